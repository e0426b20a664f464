"""Customers, projects and their handover lists (R5-R11): A writes and signs, B reviews,
supplement rounds, deadlines (R10) and extensions."""
