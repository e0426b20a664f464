"""One line per workload: its name, its ratio to the raw baseline and its figures."""


def format_result(result):
    figures = ", ".join(f"{key}={value}" for key, value in result.items() if key not in ("name", "ratio"))
    ratio = result.get("ratio")
    return f"{result['name']:<24} ratio {ratio if ratio is not None else '-':>6}  ({figures})"
