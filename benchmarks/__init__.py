"""Workloads of `archive-service bench`: each one timed against a raw baseline in the same run."""
