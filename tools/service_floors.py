"""Print the longest chain of imports inside the service layer (its number of floors).

    python tools/service_floors.py [--package archive_service.services] [--max 5]

A floor is one module in a chain `a -> b -> c` of imports between service modules (that chain has
three floors). The service graph must have no circle, and its longest chain at most `--max` floors;
the command exits 1 otherwise. It reads the code with grimp, the graph library of import-linter, so
imports inside functions count as well.
"""

from __future__ import annotations

import argparse
import sys
from functools import cache

import grimp


def service_graph(package: str) -> tuple[dict[str, set[str]], set[str]]:
    """(each module under `package` -> the modules under `package` it imports, the packages among them)."""
    graph = grimp.build_graph(package.split(".")[0], cache_dir=None)
    inside = {m for m in graph.modules if m == package or m.startswith(package + ".")}
    packages = {m for m in inside if graph.find_children(m)}
    return {m: graph.find_modules_directly_imported_by(m) & inside for m in sorted(inside)}, packages


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in edges[module]:
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component = []
            while True:
                other = stack.pop()
                component.append(other)
                if other == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for module in edges:
        if module not in index:
            visit(module)
    return found


def longest_chain(edges: dict[str, set[str]]) -> tuple[str, ...]:
    """The longest chain of imports (the graph must have no circle)."""

    @cache
    def longest_from(module: str) -> tuple[str, ...]:
        below = [longest_from(other) for other in sorted(edges[module])]
        return (module, *max(below, key=len, default=()))

    return max((longest_from(m) for m in edges), key=len, default=())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", default="archive_service.services")
    parser.add_argument("--max", type=int, default=5, help="most floors allowed (default 5)")
    args = parser.parse_args(argv)
    edges, packages = service_graph(args.package)
    found = circles(edges)
    for component in found:
        print("circle:", ", ".join(component))
    if found:
        return 1
    chain = longest_chain(edges)
    short = [m.removeprefix(args.package + ".") for m in chain]
    print(f"{len(edges) - len(packages)} modules in {len(packages)} packages, "
          f"{sum(map(len, edges.values()))} imports between them")
    print(f"longest chain: {len(chain)} floors: {' -> '.join(short)}")
    if len(chain) > args.max:
        print(f"more than {args.max} floors")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
