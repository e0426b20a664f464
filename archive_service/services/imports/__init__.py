"""Imports from spreadsheets: the legacy ledger and the lending system's projects."""
