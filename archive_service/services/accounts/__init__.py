"""Accounts, passwords, login lockout and API tokens."""
