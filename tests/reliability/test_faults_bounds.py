"""Issue 28, faults 1, 3, 5, 8, 9: bounded parsing for every reader (pipelines/ingest/limits.py).

Each hostile file is generated small (tests/reliability/hostile.py) and read in a child process under a
4 GB address-space limit and a time limit, so that on the code before the fix (which aborted, recursed out
or ran for minutes) the test fails instead of taking the test session or the machine with it. Before/after
figures: docs/reliability.md, section "Issue 28: bounded parsing".
"""

from __future__ import annotations

import multiprocessing
import resource
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest

from tests.case_study import REPO
from tests.helpers import wait_until

from . import hostile

SOURCES = "source_id,publisher,published_on\nbooks,Shop accounting,2024-10-15\n"
GOOD_FIGURES = ",".join(hostile.FIGURES_HEADER) + "\nShop,revenue,GB,2024-Q2,actual,120,GBP m,books\n"
CHILD_MEMORY = 4 * 2**30
CHILD_SECONDS = 120
TODAY = date(2026, 11, 29)


def _child(queue, fn, args) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))
    try:
        queue.put(("ok", fn(*args)))
    except BaseException as exc:  # noqa: BLE001 - the parent reports whatever escaped
        queue.put(("raised", f"{type(exc).__name__}: {exc}"[:500]))


def in_child(fn, *args, seconds: float = CHILD_SECONDS):
    """fn(*args) in a fresh (spawned) process under CHILD_MEMORY; fails the test if it raises, dies or runs
    past `seconds`. Returns fn's (picklable) result and the wall time."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    child = ctx.Process(target=_child, args=(queue, fn, args))
    started = time.perf_counter()
    child.start()
    while True:
        try:
            status, value = queue.get(timeout=1)
            break
        except Exception:  # noqa: BLE001 - queue.Empty: still running, or dead without a word
            if child.is_alive() and time.perf_counter() - started < seconds:
                continue
            if not child.is_alive() and not queue.empty():
                continue  # it answered just before it ended
            child.kill()
            child.join()
            pytest.fail(f"{fn.__name__} still running after {seconds} s, or died (exit {child.exitcode})")
    child.join(10)
    if status != "ok":
        pytest.fail(f"{fn.__name__} raised {value}")
    return value, time.perf_counter() - started


def load(data_dir: Path) -> tuple[list[dict], list[dict]]:
    """load_all's loads and rejections, as rows (the pure load the Dagster assets wrap)."""
    from pipelines.ingest import assemble

    result = assemble.load_all(data_dir, today=TODAY)
    return result.loads.to_dicts(), result.rejected.to_dicts()


def validate(paths: list[Path], data_dir: Path) -> tuple[list[dict], list[dict]]:
    """`impact validate`'s check of `paths`."""
    from pipelines.ingest.validate_files import validate_paths

    loads, rejected = validate_paths(paths, data_dir)
    return loads.to_dicts(), rejected.to_dicts()


def file_inbox(data_dir: Path) -> list[tuple[str, str, str]]:
    """The inbox filing (what the sensor calls): (name, status, detail) per file."""
    from pipelines.ingest.inbox import file_inbox as file_all

    return [(f.source, f.status, f.detail) for f in file_all(data_dir, settle_s=0)]


def _dataset(root: Path, name: str, files: dict[str, str]) -> Path:
    folder = root / "datasets" / name
    folder.mkdir(parents=True, exist_ok=True)
    for file, text in files.items():
        (folder / file).write_text(text, encoding="utf-8")
    return folder


def _row_zero(loads: list[dict], rejected: list[dict], file: str) -> str:
    """The one row-0 reason of an unreadable `file`, after the invariants every file keeps."""
    for r in loads:
        assert r["rows_in"] == r["rows_loaded"] + r["rows_rejected"] + r["rows_combined"], r
    (entry,) = [r for r in loads if r["file"] == file]
    assert entry["status"] == "unreadable", entry
    (reason,) = [r["reason"] for r in rejected if r["file"] == file and r["row_number"] == 0]
    return reason


def _loaded(loads: list[dict], file: str) -> dict:
    (entry,) = [r for r in loads if r["file"] == file]
    assert entry["status"] == "loaded", entry
    return entry


# fault 1: one cell at XFD1048576 made a 5 KB .xlsx ask for 17 billion cells: the reader aborted the process
# (SIGABRT, 0.3 s), and with it `impact run`, `impact validate` and the inbox filing
def test_a_cell_at_xfd1048576_is_row_0_naming_the_limit_and_the_cell(tmp_path: Path) -> None:
    data = tmp_path / "data"
    folder = _dataset(data, "shop", {"sources.csv": SOURCES, "figures.csv": GOOD_FIGURES})
    hostile.far_cell_xlsx(folder / "figures-far.xlsx")
    (loads, rejected), seconds = in_child(load, data)
    reason = _row_zero(loads, rejected, "datasets/shop/figures-far.xlsx")
    assert "MAX_COLUMNS" in reason and "XFD1048576" in reason, reason
    assert _loaded(loads, "datasets/shop/figures.csv")["rows_loaded"] == 1
    # `impact validate` on the file alone
    (loads, rejected), _ = in_child(validate, [folder / "figures-far.xlsx"], data)
    (reason,) = [r["reason"] for r in rejected if r["row_number"] == 0 and "far" in r["file"]]
    assert "MAX_COLUMNS" in reason
    # the inbox filing: the file is taken (and its kind told by name), not a crash
    inbox = data / "inbox"
    inbox.mkdir()
    hostile.far_cell_xlsx(inbox / "mystery.xlsx")
    hostile.far_cell_xlsx(inbox / "figures-q3.xlsx")
    filed, _ = in_child(file_inbox, data)
    assert {name for name, _, _ in filed} == {"mystery.xlsx", "figures-q3.xlsx"}, filed


def test_a_stray_cell_below_the_data_is_refused_by_its_rows_and_cells() -> None:
    """The other ways a used range grows: far down (MAX_ROWS), and wide and long at once (MAX_SHEET_CELLS)."""
    from pipelines.ingest import limits

    too_low = limits.SheetExtent(cells=20, last_row=1_048_576, last_column=8)
    with pytest.raises(limits.LimitExceeded, match=r"MAX_ROWS.*H1048576|H1048576.*MAX_ROWS"):
        limits._check_extent(too_low, "xl/worksheets/sheet1.xml")
    too_big = limits.SheetExtent(cells=20, last_row=100_000, last_column=600)
    with pytest.raises(limits.LimitExceeded, match="MAX_SHEET_CELLS"):
        limits._check_extent(too_big, "xl/worksheets/sheet1.xml")
    limits._check_extent(limits.SheetExtent(cells=1000, last_row=100_000, last_column=50), "sheet1")


# fault 3: a sheet inflating 230 times (here 100 MB from 440 KB; the attack: 3 GB from 9.8 MB) kept the
# reader busy for minutes and gigabytes, and the run held the publish lock meanwhile
def test_a_zip_bomb_sheet_is_row_0_before_it_is_inflated(tmp_path: Path) -> None:
    data = tmp_path / "data"
    folder = _dataset(data, "shop", {"sources.csv": SOURCES, "figures.csv": GOOD_FIGURES})
    bomb = hostile.bomb_xlsx(folder / "figures-bomb.xlsx", 100 * 10**6)
    assert bomb.stat().st_size < 1_000_000
    (loads, rejected), seconds = in_child(load, data, seconds=60)
    reason = _row_zero(loads, rejected, "datasets/shop/figures-bomb.xlsx")
    assert "MAX_ZIP_RATIO" in reason and "xl/worksheets/sheet1.xml" in reason, reason
    assert _loaded(loads, "datasets/shop/figures.csv")["rows_loaded"] == 1
    assert seconds < 60


def test_a_sheet_within_the_ratio_but_over_the_total_is_refused_while_streaming(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The total (MAX_INFLATED_BYTES) is counted on the bytes that really inflate, not only the declared
    sizes: lowered here to 2 MB so that a 3 MB sheet stands for a 300 MB one."""
    from pipelines.ingest import limits, readers

    path = hostile.bomb_xlsx(tmp_path / "figures.xlsx", 3 * 10**6)
    monkeypatch.setattr(limits, "MAX_INFLATED_BYTES", 2 * 10**6)
    monkeypatch.setattr(limits, "MAX_ZIP_RATIO", 10**6)
    with pytest.raises(readers.UnreadableFile, match="MAX_INFLATED_BYTES"):
        readers.read_table(path)
    monkeypatch.setattr(limits, "MAX_INFLATED_BYTES", 2 * 10**7)
    monkeypatch.setattr(limits, "MAX_SHEET_CELLS", 50_000)
    with pytest.raises(readers.UnreadableFile, match="MAX_SHEET_CELLS"):  # 13,600 rows of 8 cells
        readers.read_table(path)


# fault 5: a TOML file nested 100,000 levels (200 KB) raised RecursionError, which no reader caught: as a
# dataset.toml or a layout it failed every run, and in the inbox it stopped the filing
def test_a_toml_file_nested_100000_deep_is_refused_and_the_run_goes_on(tmp_path: Path) -> None:
    data = tmp_path / "data"
    folder = _dataset(data, "shop", {"sources.csv": SOURCES, "figures.csv": GOOD_FIGURES})
    hostile.deep_toml(folder / "dataset.toml")
    other = _dataset(data, "other", {"sources.csv": SOURCES})
    hostile.far_cell_xlsx(other / "budget.xlsx", cell="A3")  # a plain sheet ...
    hostile.deep_toml(other / "budget.layout.toml")  # ... read through a hostile layout
    (loads, rejected), _ = in_child(load, data)
    reason = _row_zero(loads, rejected, "datasets/shop/dataset.toml")
    assert "MAX_TOML_DEPTH" in reason and "100,000 deep" in reason, reason
    assert _loaded(loads, "datasets/shop/figures.csv")["rows_loaded"] == 1
    assert "MAX_TOML_DEPTH" in _row_zero(loads, rejected, "datasets/other/budget.xlsx")
    inbox = data / "inbox"
    inbox.mkdir()
    hostile.deep_toml(inbox / "q3.layout.toml")
    hostile.far_cell_xlsx(inbox / "q3.xlsx", cell="A3")
    (inbox / "figures-late.csv").write_text(GOOD_FIGURES, encoding="utf-8")
    filed, _ = in_child(file_inbox, data)
    assert ("figures-late.csv", "filed") in [(n, s) for n, s, _ in filed], filed


def test_toml_depth_is_counted_outside_strings_and_comments() -> None:
    from pipelines.ingest import limits

    assert limits.toml_depth("a = [[1, 2], {b = \"[[[[[[\"}]  # [[[[[[[[\n[t.u]\nc = '''[[['''\n") == 2
    assert limits.toml_depth('a = "\\"[[["\nb = [[[1]]]\n') == 3
    assert limits.toml_depth('[[files]]\nname = """x"\n[[[""""\n') == 2
    tomls = [*(REPO / "data").rglob("*.toml"), *(REPO / "tests" / "data").rglob("*.toml")]
    assert len(tomls) >= 5
    for layout in tomls:
        assert limits.toml_depth(layout.read_text(encoding="utf-8")) <= 4, layout


# fault 8: a header repeating one name 200,000 times (400 KB) ran a quadratic duplicate check for hours
# (still running after 90 s on an idle machine) while the run held the publish lock
def test_a_header_of_200000_columns_is_row_0_at_once(tmp_path: Path) -> None:
    data = tmp_path / "data"
    folder = _dataset(data, "shop", {"sources.csv": SOURCES, "figures.csv": GOOD_FIGURES})
    hostile.wide_header_csv(folder / "figures-wide.csv")
    (loads, rejected), seconds = in_child(load, data, seconds=60)
    reason = _row_zero(loads, rejected, "datasets/shop/figures-wide.csv")
    assert "MAX_COLUMNS" in reason and "200,000 columns" in reason, reason
    assert _loaded(loads, "datasets/shop/figures.csv")["rows_loaded"] == 1


def test_a_duplicate_check_of_the_widest_header_allowed_is_linear(tmp_path: Path) -> None:
    from pipelines.ingest import limits, readers

    path = tmp_path / "figures.csv"
    path.write_text(",".join(["a"] * limits.MAX_COLUMNS) + "\n", encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(readers.UnreadableFile, match="duplicate column names in the header: a$"):
        readers.read_table(path)
    assert time.perf_counter() - started < 1.0


# fault 9: str.splitlines cut a valid JSON Lines row at U+2028, U+2029 or U+0085 (legal inside JSON text):
# both halves were rejected, rows_in counted them twice, and a file of such rows was "unreadable"
def test_json_lines_rows_holding_unicode_line_separators_load_whole(tmp_path: Path) -> None:
    from pipelines.ingest import assemble

    data = tmp_path / "data"
    row = (
        '{{"entity":"Shop","metric":"revenue","region":"GB","period":"2024-Q{q}","kind":"actual",'
        '"value":{v},"unit":"GBP m","source_id":"books","note":"{note}"}}'
    )
    notes = ["before\u2028after", "one\u0085two", "para\u2029graph"]
    lines = [row.format(q=q, v=100 + q, note=n) for q, n in zip((1, 2, 3), notes, strict=True)]
    _dataset(data, "shop", {"sources.csv": SOURCES, "figures.jsonl": "\r\n".join(lines) + "\n"})
    result = assemble.load_all(data, today=TODAY)
    entry = _loaded(result.loads.to_dicts(), "datasets/shop/figures.jsonl")
    assert (entry["rows_in"], entry["rows_loaded"], entry["rows_rejected"]) == (3, 3, 0)
    assert sorted(result.tables["figures"]["note"].to_list()) == sorted(notes)


def test_a_json_line_over_the_line_limit_is_its_own_rejection(tmp_path: Path, monkeypatch) -> None:
    from pipelines.ingest import limits, readers

    monkeypatch.setattr(limits, "MAX_LINE_CHARS", 1000)
    head = '{"entity":"Shop","metric":"revenue","period":"2024","kind":"actual","value":1'
    path = tmp_path / "figures.jsonl"
    path.write_text(f'{head}}}\n{head},"note":"{"x" * 2000}"}}\n', encoding="utf-8")
    table = readers.read_table(path)
    assert table.frame.height == 1 and table.rows_in == 2
    (bad,) = table.bad_rows
    assert bad.row == 2 and "MAX_LINE_CHARS" in bad.reason


def test_every_limit_has_a_docstring_with_its_unit() -> None:
    import ast

    from pipelines.ingest import limits

    tree = ast.parse(Path(limits.__file__).read_text())
    body = tree.body
    names = [
        (n.targets[0].id, body[i + 1])
        for i, n in enumerate(body)
        if isinstance(n, ast.Assign)
        and isinstance(n.targets[0], ast.Name)
        and n.targets[0].id.isupper()
        and n.targets[0].id.startswith(("MAX_", "RATIO_"))
    ]
    assert len(names) >= 10
    for name, following in names:
        assert isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant), name
        assert len(following.value.value) > 60, name


# the run as a whole: every hostile file at once beside good ones, through the real Dagster pipeline
def run(data_dir: Path, warehouse: Path) -> tuple[bool, str | None, list[dict]]:
    from pipelines.defs.resources import ImpactSettings
    from pipelines.defs.run import run_pipeline

    summary = run_pipeline(
        ImpactSettings(data_dir=str(data_dir), warehouse=str(warehouse), today="2026-11-29")
    )
    return summary.published, summary.error, summary.rejected


def test_a_run_with_every_hostile_file_publishes_the_rest(tmp_path: Path, monkeypatch) -> None:
    """Also the child process: with IMPACT_READER_CPU_SECONDS=1, a sheet that takes 2 s of CPU to parse is
    stopped by its CPU limit (SIGXCPU) and is row 0 naming READER_CPU_SECONDS; the run goes on."""
    monkeypatch.setenv("IMPACT_READER_CPU_SECONDS", "1")
    data = tmp_path / "data"
    folder = _dataset(data, "shop", {"sources.csv": SOURCES, "figures.csv": GOOD_FIGURES})
    hostile.long_xlsx(folder / "figures-long.xlsx", 10_000)
    hostile.far_cell_xlsx(folder / "figures-far.xlsx")
    hostile.bomb_xlsx(folder / "figures-bomb.xlsx", 100 * 10**6)
    hostile.wide_header_csv(folder / "figures-wide.csv")
    other = _dataset(data, "other", {"sources.csv": SOURCES, "figures.csv": GOOD_FIGURES})
    hostile.deep_toml(other / "dataset.toml")
    warehouse = tmp_path / "wh" / "warehouse.duckdb"
    (published, error, _), seconds = in_child(run, data, warehouse, seconds=300)
    assert published and error is None, error
    with duckdb.connect(str(warehouse), read_only=True) as con:
        files = dict(con.execute("select file, status from loads").fetchall())
        reasons = dict(con.execute("select file, reason from rejected_rows where row_number = 0").fetchall())
        figures = con.execute("select dataset, count(*) from figures group by 1 order by 1").fetchall()
    assert figures == [("other", 1), ("shop", 1)]
    for file, limit in [
        ("datasets/shop/figures-far.xlsx", "MAX_COLUMNS"),
        ("datasets/shop/figures-long.xlsx", "READER_CPU_SECONDS"),
        ("datasets/shop/figures-bomb.xlsx", "MAX_ZIP_RATIO"),
        ("datasets/shop/figures-wide.csv", "MAX_COLUMNS"),
        ("datasets/other/dataset.toml", "MAX_TOML_DEPTH"),
    ]:
        assert files[file] == "unreadable" and limit in reasons[file], (file, reasons.get(file))


LOCK_PROBE = (
    "import fcntl, os, sys\n"
    "fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)\n"
    "try:\n"
    "    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)\n"
    "    print('free')\n"
    "except BlockingIOError:\n"
    "    print('held')\n"
)


# faults 3 and 8, the lock: a run parsed its inputs holding the publish lock, so one slow file (a zip bomb,
# a quadratic header) kept every other run from publishing for as long as it took. Read first, lock to publish.
def test_the_inputs_are_parsed_before_the_publish_lock_is_taken(tmp_path: Path, monkeypatch) -> None:
    import subprocess
    import sys

    from pipelines.defs.resources import ImpactSettings
    from pipelines.defs.run import run_pipeline
    from pipelines.ingest import read as reading

    data = tmp_path / "data"
    folder = _dataset(data, "shop", {"sources.csv": SOURCES, "figures.csv": GOOD_FIGURES})
    warehouse = tmp_path / "wh" / "warehouse.duckdb"
    warehouse.parent.mkdir()
    seen: list[str] = []
    real = reading.read_files

    def watched(inputs, *args):
        # what another process finds while this run parses: the lock free to take
        probe = subprocess.run(
            [sys.executable, "-c", LOCK_PROBE, str(warehouse.parent)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        seen.append(probe.stdout.strip())
        files = real(inputs, *args)
        if len(seen) == 1:  # the inbox files a new figure while the first read is parsing
            (folder / "figures-late.csv").write_text(
                GOOD_FIGURES.replace("2024-Q2,actual,120", "2024-Q3,actual,130"), encoding="utf-8"
            )
        return files

    monkeypatch.setattr(reading, "read_files", watched)
    summary = run_pipeline(ImpactSettings(data_dir=str(data), warehouse=str(warehouse), today="2026-11-29"))
    assert summary.published, summary.error
    assert seen == ["free", "free"], seen  # read twice (the inputs changed), never holding the lock
    with duckdb.connect(str(warehouse), read_only=True) as con:
        periods = [p for (p,) in con.execute("select period from figures order by period").fetchall()]
    assert periods == ["2024-Q2", "2024-Q3"], (
        "the run publishes the inputs as they were when it took the lock"
    )


# the child process: a parse past its CPU limit costs its own file, and the next file gets a fresh child
def test_a_parse_over_its_cpu_limit_is_row_0_and_the_next_file_still_reads(
    tmp_path: Path, monkeypatch
) -> None:
    from pipelines.ingest.files import InputFile
    from pipelines.ingest.sandbox import ReaderSandbox

    monkeypatch.setenv("IMPACT_READER_CPU_SECONDS", "1")
    slow = hostile.long_xlsx(tmp_path / "figures-long.xlsx", 10_000)
    plain = hostile.far_cell_xlsx(tmp_path / "figures.xlsx", cell="A3")
    with ReaderSandbox() as sandbox:
        raw, status, error = sandbox.read(InputFile(slow, slow.name, "shop", "figures", "x"))
        assert (raw, status) == (None, "unreadable") and "READER_CPU_SECONDS" in error, error
        raw, status, error = sandbox.read(InputFile(plain, plain.name, "shop", "figures", "y"))
        assert status == "loaded" and raw.frame.height == 2, error  # the figure row and the row of A3
        assert sandbox.restarts == 1


SANDBOX_PARENT = (
    "import sys\n"
    "from pathlib import Path\n"
    "from pipelines.ingest.files import InputFile\n"
    "from pipelines.ingest.sandbox import ReaderSandbox\n"
    "sandbox = ReaderSandbox()\n"
    "sandbox._start()\n"
    "print(sandbox._proc.pid, flush=True)\n"
    "sandbox.read(InputFile(Path(sys.argv[1]), 'figures.xlsx', 'shop', 'figures', 'x'))\n"
)


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"  # a zombie has ended; only its exit status waits to be collected


# the child process: a run killed with SIGKILL (the OOM killer, kill -9) leaves no parse running
def test_the_reader_child_dies_with_its_run(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys

    slow = hostile.long_xlsx(tmp_path / "figures.xlsx", 40_000)  # about 8 s of CPU to read
    parent = subprocess.Popen(
        [sys.executable, "-c", SANDBOX_PARENT, str(slow)], stdout=subprocess.PIPE, text=True
    )
    child = int(parent.stdout.readline())
    assert _running(child)
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    # well before its parse (8 s of CPU, more on a loaded machine) would end on its own
    wait_until(lambda: not _running(child), 5, "the reader child to end with the run that started it")
