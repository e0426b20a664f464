"""Workloads of `archive-service bench`: each one measured against a raw baseline in the same run."""
from .workloads import WORKLOADS


def run(scale, report=print):
    """Run every workload at `scale` ("small" or "full"); returns their results as dicts."""
    results = []
    for workload in WORKLOADS:
        result = workload(scale)
        report(format_result(result))
        results.append(result)
    return results


def format_result(result):
    figures = ", ".join(f"{key}={value}" for key, value in result.items() if key not in ("name", "ratio"))
    ratio = result.get("ratio")
    return f"{result['name']:<24} ratio {ratio if ratio is not None else '-':>6}  ({figures})"
