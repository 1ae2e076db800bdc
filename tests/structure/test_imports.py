"""The import graph of the ``giamngheo`` package, read from the source (nothing is imported).

An edge A → B is any ``import``/``from … import`` in A of a module of ``giamngheo``, at module level or
inside a function, except those under ``if TYPE_CHECKING:`` (they never run). ``from pkg import name``
is an edge to ``pkg.name`` when that is a module, else to ``pkg``.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "giamngheo"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST):
    """Every Import/ImportFrom node, leaving out the bodies of ``if TYPE_CHECKING:``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _type_checking(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def graph() -> dict[str, set[str]]:
    mods = modules()
    out: dict[str, set[str]] = {}
    for name, path in mods.items():
        is_pkg = path.name == "__init__.py"
        edges: set[str] = set()
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                if node.level:
                    base = name.split(".") if is_pkg else name.split(".")[:-1]
                    base = base[: len(base) - (node.level - 1)]
                    src = ".".join(base + ([node.module] if node.module else []))
                else:
                    src = node.module or ""
                targets = [f"{src}.{a.name}" if f"{src}.{a.name}" in mods else src for a in node.names]
            for t in targets:
                while t and t not in mods:          # import giamngheo.a.b.c → the deepest module that exists
                    t = t.rpartition(".")[0]
                if t and t != name and t.startswith("giamngheo"):
                    edges.add(t)
        out[name] = edges
    return out


def cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(g.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return sorted(out)


def test_the_graph_sees_imports_inside_functions_and_leaves_out_type_checking_ones(tmp_path):
    """The reader on a hand-made source: a function-level import counts, a TYPE_CHECKING one does not."""
    src = ("from __future__ import annotations\nfrom typing import TYPE_CHECKING\n"
           "if TYPE_CHECKING:\n    from giamngheo.ui import levers\n"
           "def f():\n    from giamngheo.ui.session import lang\n    import giamngheo.i18n\n")
    found = set()
    for node in _imports(ast.parse(src)):
        found |= {a.name for a in node.names} if isinstance(node, ast.Import) else {node.module}
    assert found == {"__future__", "typing", "giamngheo.ui.session", "giamngheo.i18n"}
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_among_giamngheo_modules():
    g = graph()
    assert "giamngheo.ui.levers" in g and g["giamngheo.ui.sidebar"]      # the graph is read at all
    found = cycles(g)
    assert found == [], "import cycles: " + "; ".join(" ↔ ".join(c) for c in found)


def _external(path: Path) -> set[str]:
    """The top-level names of the packages a file imports (outside TYPE_CHECKING)."""
    out = set()
    for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
        out |= {n.split(".")[0] for n in names if n and not getattr(node, "level", 0)}
    return out


def test_imports_run_one_way():
    """docs/architecture.md's rules: the numerical model (poverty, projection, trend) imports nothing of the
    plan, the data or the scenarios; a scenario never imports the model; only giamngheo/ui/ imports Streamlit."""
    g = graph()
    for m in ("giamngheo.model.poverty", "giamngheo.model.projection", "giamngheo.model.trend"):
        assert not {x for x in g[m] if x.startswith(("giamngheo.plan", "giamngheo.data", "giamngheo.scenario"))}, m
    for m in g:
        if m.startswith("giamngheo.scenario"):
            assert not {x for x in g[m] if x.startswith("giamngheo.model")}, m
    streamlit_users = {m for m, p in modules().items() if "streamlit" in _external(p)}
    assert streamlit_users and all(m.startswith("giamngheo.ui.") for m in streamlit_users), sorted(streamlit_users)


STORE_NAMES_A_PAGE_MAY_USE = {"StoreError", "BadInput", "NameTaken", "fmt_time", "MAX_AUTHOR", "MAX_NAME", "MAX_NOTE"}


def test_pages_reach_the_store_through_the_session():
    """A page never opens the store itself (``Store``, its URL): it asks the UI's session (``session.store()``);
    it may name the store's errors, limits and its time format."""
    for page in sorted((ROOT / "app_pages").glob("*.py")):
        for node in _imports(ast.parse(page.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("giamngheo.store"):
                names = {a.name for a in node.names}
                assert names <= STORE_NAMES_A_PAGE_MAY_USE, (page.name, sorted(names - STORE_NAMES_A_PAGE_MAY_USE))
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("giamngheo.store") for a in node.names), page.name


if __name__ == "__main__":
    for c in cycles(graph()):
        print(" ↔ ".join(c))
