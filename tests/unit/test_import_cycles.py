"""No two modules of mes_tui/ import each other, even through others, even lazily.

The graph is read from the source with ``ast``: every ``import`` and ``from ... import``
statement of a module, wherever it is (at the top, inside a function, under ``TYPE_CHECKING``),
is an edge to the most specific module of mes_tui/ it names (``from mes_tui import journey`` is
an edge to ``mes_tui.journey``; importing a submodule is not counted as importing its package).
A cycle there means two modules that cannot be read, tested or replaced apart; the app and its
screens in particular talk through ``mes_tui.host`` instead (see DESIGN.md, Layers).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import mes_tui

PACKAGE = Path(mes_tui.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def import_graph() -> dict[str, set[str]]:
    """Each module of mes_tui/ and the modules of mes_tui/ it imports."""
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}

    def known(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:  # relative: from the package, one level up per extra dot
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    source = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    source = node.module or ""
                # ``from package import submodule`` imports the submodule.
                targets = [
                    f"{source}.{alias.name}" if f"{source}.{alias.name}" in modules else source
                    for alias in node.names
                ]
            for target in targets:
                found = known(target)
                if found is not None and target.startswith("mes_tui"):
                    graph[name].add(found)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (or a module importing
    itself), by Tarjan's algorithm, each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph[node]):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph[node]:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def one_cycle(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """A path that goes round ``component``, from its first module back to it."""
    members = set(component)
    start = component[0]

    def paths(node: str, path: list[str]) -> Iterator[list[str]]:
        for successor in sorted(graph[node] & members):
            if successor == start:
                yield [*path, start]
            elif successor not in path:
                yield from paths(successor, [*path, successor])

    return next(paths(start, [start]))


def describe(graph: dict[str, set[str]], component: list[str]) -> str:
    return f"{' -> '.join(one_cycle(graph, component))} (modules in it: {', '.join(component)})"


def test_the_graph_sees_every_kind_of_import() -> None:
    graph = import_graph()
    assert "mes_tui.app" in graph["mes_tui.cli"]  # inside a function
    assert "mes_tui.host" in graph["mes_tui.screens.base"]  # under TYPE_CHECKING
    assert "mes_tui.journey" in graph["mes_tui.screens.base"]  # from the package
    assert "mes_tui.screens.identification" in graph["mes_tui.navigation"]  # lazily


def test_the_cycle_finder_finds_a_cycle_and_names_it() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert cycles(graph) == [["a", "b", "c"], ["e"]]
    assert describe(graph, ["a", "b", "c"]) == "a -> b -> c -> a (modules in it: a, b, c)"


def test_no_module_of_the_screens_imports_the_app() -> None:
    graph = import_graph()
    screens = [name for name in graph if name.startswith("mes_tui.screens")]
    assert screens
    for name in screens:
        assert "mes_tui.app" not in graph[name], name
    assert graph["mes_tui.host"].isdisjoint({"mes_tui.app", *screens})


def test_no_import_cycle_at_all() -> None:
    graph = import_graph()
    found = cycles(graph)
    assert not found, "\n".join(describe(graph, component) for component in found)
