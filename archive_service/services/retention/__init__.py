"""Retention periods, appraisal and disposal (R23)."""
