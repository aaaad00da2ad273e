"""docs/architecture.md cannot go stale: every path it names exists, and every function, class, method or
constant it names (`name()`, `module.name`, `Class.method`) is defined where it says.

The names are the doc's backticked spans. A path (`pipelines/ingest/readers.py`, `sql/views/base/`,
`chosen/actual_figures.sql`, `normalise/periods.py`) must exist under the repository, under `pipelines/` or
under `sql/views/`; a bare file name (`pyproject.toml`, `event_windows.sql`) somewhere in the repository. A
`module.name` resolves `module` to the one module of pipelines/ or dashboard/ with that stem (or to a class of
the file named last in the same paragraph); a bare `name()` must be defined in the file named last in its
paragraph. Definitions are found with `ast` (def, class, assignment, and methods and class attributes for
`Class.name`), without importing anything.
"""

from __future__ import annotations

import ast
import os
import re
from functools import cache
from pathlib import Path

from tests.helpers import REPO

DOC = REPO / "docs" / "architecture.md"
CODE_ROOTS = ("pipelines", "dashboard")
PATH_ROOTS = (REPO, REPO / "pipelines", REPO / "sql" / "views", REPO / "sql")
FILE_SUFFIXES = (".py", ".sql", ".csv", ".toml", ".md", ".txt", ".json", ".cfg")
# Names the doc quotes from outside the code base: Streamlit, the standard library, Dagster, DuckDB.
EXTERNAL = {"st", "os", "dg", "duckdb", "pl", "ast"}
IDENTIFIER = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*(?:\(\))?$")
TICKS = re.compile(r"`([^`\n]+)`")


def paragraphs(text: str) -> list[str]:
    """The doc in blocks that a name's context is read from: paragraphs, list items and table rows."""
    text = re.sub(
        r"```.*?```", "", text, flags=re.S
    )  # the tree is checked by test_the_tree_lists_real_folders
    blocks = re.split(r"\n\s*\n|\n(?=\d+\. |\| |- )", text)
    return [b for b in blocks if b.strip()]


def is_path(token: str) -> bool:
    """A repository path: has a slash or a file suffix, no spaces, and no placeholder of a run's files
    (`DATA_DIR/...`, `figures-YYYY-MM.parquet`)."""
    if " " in token or "DATA_DIR" in token or "YYYY" in token:
        return False
    return "/" in token or token.endswith(FILE_SUFFIXES)


def resolve_path(token: str) -> Path | None:
    """The file or folder a path token names, or None."""
    token = token.rstrip("/")
    for root in PATH_ROOTS:
        if "*" in token:
            found = sorted(root.glob(token))
            if found:
                return found[0]
        elif (root / token).exists():
            return root / token
    if "/" not in token:
        return next(iter(_repo_files_named(token)), None)
    return None


@cache
def _repo_files_named(name: str) -> tuple[Path, ...]:
    skip = {".venv", ".git", "node_modules", "data", "__pycache__", ".pytest_cache"}
    found = []
    for folder, dirs, files in os.walk(REPO):
        dirs[:] = [d for d in dirs if d not in skip and not d.endswith(".egg-info")]
        found += [Path(folder) / name] if name in files else []
    return tuple(found)


@cache
def _modules_by_stem() -> dict[str, list[Path]]:
    out: dict[str, list[Path]] = {}
    for root in CODE_ROOTS:
        for path in (REPO / root).rglob("*.py"):
            out.setdefault(path.stem, []).append(path)
    return out


@cache
def definitions(path: Path) -> dict[str, set[str]]:
    """{top-level name: names defined inside it (methods, class attributes)} of a Python file."""
    tree = ast.parse(path.read_text())
    out: dict[str, set[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            out[node.name] = set()
        elif isinstance(node, ast.ClassDef):
            out[node.name] = {
                n.name if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) else t.id
                for n in node.body
                for t in (
                    n.targets
                    if isinstance(n, ast.Assign)
                    else [n.target]
                    if isinstance(n, ast.AnnAssign)
                    else [ast.Name(id=getattr(n, "name", ""))]
                )
                if isinstance(t, ast.Name)
            }
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                if isinstance(target, ast.Name):
                    out[target.id] = set()
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:  # re-exported names count as defined
                out.setdefault(alias.asname or alias.name, set())
    return out


def defined_in(path: Path, dotted: list[str]) -> bool:
    """Whether `a` or `A.b` is defined at the top of Python file `path`."""
    found = definitions(path)
    if dotted[0] not in found:
        return False
    return len(dotted) == 1 or (len(dotted) == 2 and dotted[1] in found[dotted[0]])


def check_name(token: str, current: Path | None) -> str | None:
    """None when the code name `token` resolves, else why not."""
    dotted = token.removesuffix("()").split(".")
    if dotted[0] in EXTERNAL:
        return None
    if dotted[0] in CODE_ROOTS:  # a module by its import path: pipelines.settings, pipelines.warehouse
        base = REPO.joinpath(*dotted)
        return None if base.with_suffix(".py").exists() or base.is_dir() else f"`{token}`: no such module"
    if len(dotted) == 1:
        if current is None:
            return f"`{token}`: no file named before it in its paragraph"
        return (
            None
            if defined_in(current, dotted)
            else f"`{token}` is not defined in {current.relative_to(REPO)}"
        )
    if current is not None and current.suffix == ".py" and defined_in(current, dotted):
        return None  # Class.method of the file named last
    modules = _modules_by_stem().get(dotted[0], [])
    if len(modules) != 1:
        return f"`{token}`: {len(modules)} modules named {dotted[0]}.py"
    return (
        None
        if defined_in(modules[0], dotted[1:])
        else f"`{token}` is not defined in {modules[0].relative_to(REPO)}"
    )


def doc_names() -> tuple[list[tuple[str, Path | None]], list[tuple[str, Path | None]]]:
    """(paths, code names): each backticked token with the file it is read against."""
    paths, names = [], []
    for block in paragraphs(DOC.read_text()):
        current: Path | None = None
        for token in TICKS.findall(block):
            token = token.strip()
            if is_path(token):
                resolved = resolve_path(token)
                paths.append((token, resolved))
                if resolved is not None and resolved.suffix == ".py":
                    current = resolved
            elif IDENTIFIER.match(token) and ("." in token or token.endswith("()")):
                names.append((token, current))
    return paths, names


def test_every_path_the_doc_names_exists() -> None:
    paths, _ = doc_names()
    assert len(paths) >= 40, f"only {len(paths)} paths found: is the parser still reading the doc?"
    missing = [token for token, resolved in paths if resolved is None]
    assert not missing, f"docs/architecture.md names paths that do not exist: {missing}"


def test_every_function_the_doc_names_is_defined_where_it_says() -> None:
    _, names = doc_names()
    assert len(names) >= 30, f"only {len(names)} code names found: is the parser still reading the doc?"
    problems = [p for token, current in names if (p := check_name(token, current))]
    assert not problems, "docs/architecture.md names code that does not exist:\n" + "\n".join(problems)


def test_the_tree_lists_real_folders() -> None:
    tree = re.search(r"## The tree\n\n```\n(.*?)```", DOC.read_text(), flags=re.S).group(1)
    stack: list[tuple[int, str]] = []
    checked, missing = 0, []
    for line in tree.splitlines():
        match = re.match(r"^( *)(\S+/)(?:\s|$)", line)
        if not match:
            continue
        indent, name = len(match.group(1)), match.group(2)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        for part in name.rstrip("/").split(" "):
            rel = "".join(n for _, n in stack) + part
            checked += 1
            if not (REPO / rel).is_dir():
                missing.append(rel)
        stack.append((indent, name))
    assert checked >= 25, checked
    assert not missing, f"the tree of docs/architecture.md lists folders that do not exist: {missing}"


def test_the_checker_catches_a_stale_name(tmp_path) -> None:
    # the checks above could pass by finding nothing: a made-up name fails, a real one passes
    readers = REPO / "pipelines" / "ingest" / "readers.py"
    assert check_name("read_table()", readers) is None
    assert check_name("read_tables()", readers) is not None
    assert check_name("readers.no_such_function", None) is not None
    assert resolve_path("pipelines/ingest/no_such_module.py") is None
