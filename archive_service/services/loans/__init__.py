"""Borrowing files and certificates (R17, R18): requests, loan rules, the desk, incidents."""
