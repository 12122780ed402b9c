"""formlab's layers, read from its import graph: print them, fail on a cycle or an upward import.

Run it as a script (``python tests/check_layers.py``) or through the test suite
(``tests/unit/test_layers.py``). Every import counts, including those inside
functions; only imports under ``if TYPE_CHECKING:`` are left out (they name a
type for the reader and do not run).

The layers, bottom to top. A module may import modules of its own layer or
of layers below, never above; no two modules may import each other, directly
or through others.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "formlab"

LAYERS: tuple[tuple[str, str], ...] = (
    ("core", "data types, landmarks, geometry, errors, atomic files: no formlab imports above"),
    ("io", "media, models, samples, cache: reading what the outside world gives"),
    ("pose", "pose extraction and following one lifter"),
    ("signal", "filters, spectra, cleaning of tracks"),
    ("barbell", "bar and plate paths, pixel-to-metre scales"),
    ("form", "the vocabulary of form checks: views, measures, checks, verdicts, thresholds"),
    ("exercises", "one module per lift: its rep signal, its checks, its presets"),
    ("reps", "rep detection, exercise recognition, per-rep numbers"),
    ("viz", "one style: figures, frame overlays, annotated video"),
    ("outputs", "the files an analysis writes"),
    ("pipeline", "the named steps and their composition (analyze)"),
    ("interactive", "notebook helpers and widgets, the app, live coaching, batch runs"),
    ("cli", "the formlab command"),
    ("api", "formlab/__init__.py: the short public API"),
)
"""``(layer, what it holds)``, bottom to top."""

LAYER_OF_TOP: dict[str, str] = {
    "_version": "core",
    "core": "core",
    "io": "io",
    "pose": "pose",
    "signal": "signal",
    "barbell": "barbell",
    "form": "form",
    "exercises": "exercises",
    "reps": "reps",
    "viz": "viz",
    "outputs": "outputs",
    "pipeline": "pipeline",
    "interactive": "interactive",
    "app": "interactive",
    "live": "interactive",
    "batch": "interactive",
    "cli": "cli",
    "__main__": "cli",
    "": "api",
}
"""The layer of each top-level module or subpackage of formlab (``""``: the package itself)."""


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def layer_of(module: str) -> str:
    top = module.split(".")[1] if module.count(".") else ""
    if top not in LAYER_OF_TOP:
        raise SystemExit(
            f"{module}: no layer is assigned to formlab.{top}; add it to LAYER_OF_TOP in {__file__}"
        )
    return LAYER_OF_TOP[top]


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The formlab modules ``path`` imports (resolved to modules that exist)."""
    me = module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    found: set[str] = set()
    unresolved: list[str] = []

    def resolve(name: str) -> None:
        while (
            name and name not in modules
        ):  # ``from formlab.core.track import PoseTrack`` -> the module
            name = name.rpartition(".")[0]
        if name and name != me:
            found.add(name)

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name.split(".")[0] == "formlab":
                        resolve(alias.name)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")
                    base = base[: len(base) - (child.level - 1)]
                    target = ".".join(base + ([child.module] if child.module else []))
                else:
                    target = child.module or ""
                if target.split(".")[0] != "formlab":
                    continue
                if target not in modules:
                    unresolved.append(
                        f"{me}: line {child.lineno} imports {target}, which does not exist"
                    )
                    continue
                for alias in child.names:  # ``from . import x`` may import a submodule
                    sub = f"{target}.{alias.name}"
                    resolve(sub if sub in modules else target)
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
    if unresolved:
        raise SystemExit("\n".join(unresolved))
    return found


def import_graph() -> dict[str, set[str]]:
    """``module -> the formlab modules it imports``; a SystemExit listing every import of a missing module."""
    files = sorted(PACKAGE.rglob("*.py"))
    modules = {module_name(f) for f in files}
    graph, broken = {}, []
    for f in files:
        try:
            graph[module_name(f)] = imports_of(f, modules)
        except SystemExit as e:
            broken.append(str(e))
    if broken:
        raise SystemExit("\n".join(broken))
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def strong(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    sys.setrecursionlimit(max(10_000, sys.getrecursionlimit()))
    for v in sorted(graph):
        if v not in index:
            strong(v)
    return out


def problems(graph: dict[str, set[str]] | None = None) -> list[str]:
    """Every upward import and every cycle, one line each (empty when the layers hold)."""
    graph = import_graph() if graph is None else graph
    rank = {name: i for i, (name, _) in enumerate(LAYERS)}
    found = []
    for module, targets in sorted(graph.items()):
        for target in sorted(targets):
            if target == "formlab":
                found.append(
                    f"{module} imports the formlab package itself (the public API, the top layer)"
                )
            elif rank[layer_of(target)] > rank[layer_of(module)]:
                found.append(
                    f"upward import: {module} ({layer_of(module)}) imports {target} ({layer_of(target)})"
                )
    for cycle in _cycles(graph):
        found.append("import cycle: " + " <-> ".join(cycle))
    return found


def describe(graph: dict[str, set[str]] | None = None) -> str:
    """The layers, bottom to top, with their modules."""
    graph = import_graph() if graph is None else graph
    by_layer: dict[str, list[str]] = defaultdict(list)
    for module in graph:
        by_layer[layer_of(module)].append(module)
    lines = []
    for name, what in reversed(LAYERS):
        lines.append(f"{name:12} {what}")
        for module in sorted(by_layer.get(name, [])):
            below = sorted({layer_of(t) for t in graph[module]} - {name})
            lines.append(f"    {module}" + (f"  -> {', '.join(below)}" if below else ""))
    return "\n".join(lines)


def main() -> int:
    graph = import_graph()
    print(describe(graph))
    found = problems(graph)
    if found:
        print(f"\n{len(found)} problem(s):")
        for line in found:
            print("  " + line)
        return 1
    print(f"\n{len(graph)} modules in {len(LAYERS)} layers: no upward import, no cycle.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
