"""
Hostile families through the real ``allocator`` command, each case in a
subprocess: counts cases by family, tracebacks, defects (exit 70),
undocumented exit statuses, mixed output folders and runs past their
limit. Run: ``uv run python tests/robustness/hostile_families.py``.
"""

from __future__ import annotations

import json
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "instances" / "samples" / "tiny"
DOCUMENTED = {0, 1, 2, 3, 4, 70, 130}
LIMIT = 5.0
"""--time-limit of the solves; a run past LIMIT + SLACK is counted."""
SLACK = 15.0
"""Start-up, reading, compiling and writing, on a loaded 2-core machine."""


def cli(*args, timeout=120.0, stdin=None) -> tuple[int, str, float]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "allocator.cli", *map(str, args)],
        capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    return done.returncode, done.stdout + done.stderr, \
        time.perf_counter() - started


def cases(work: Path):
    """(family, argv) pairs; files made in ``work``."""
    tiny = work / "tiny"
    shutil.copytree(TINY, tiny)
    out = work / "out"
    for v in ("nan", "-1", "0", "inf", "1e300", "abc"):
        yield "arguments", ["solve", tiny, "--out", out, "--time-limit", v]
    for v in ("-1", str(2**70)):
        yield "arguments", ["solve", tiny, "--out", out, "--seed", v]
    for name in ("[red]x", "a[/]b", "[bold]"):
        yield "markup", ["solve", tiny, "--out", out, "--engine", name]
        yield "markup", ["generate", "--preset", name, "--out", work / "g"]
        yield "markup", ["validate", work / name]
        yield "markup", ["explain", work / "p.json", "--household", name]
    for text in ("[weights]\nsize_fit = 10000000000\n",
                 "[weights]\nhoused = 9223372036854775807\n",
                 "[services.target_minutes]\nschool = 0\n",
                 'name = "a\\u0007b"\n', 'name = "[/]"\n'):
        p = work / f"policy{hash(text) & 0xffff}.toml"
        p.write_text(text)
        yield "policy values", ["solve", tiny, "--out", out, "--policy", p,
                                "--time-limit", LIMIT]
    dup = work / "dup.json"
    dup.write_text('{"name": "a", "name": "b"}')
    yield "structures", ["validate", dup]
    big = work / "big.json"
    with big.open("wb") as handle:
        handle.truncate(4 * 1024**3)
    yield "limits", ["validate", big]
    for ref in (b"A1:XFD1048576", b"A1:Z2000000"):
        book = work / f"dims{len(ref)}.xlsx"
        with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("xl/worksheets/sheet1.xml",
                       b'<worksheet><dimension ref="' + ref + b'"/>'
                       b"</worksheet>")
        yield "limits", ["validate", book]
    bomb = work / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b" " * 50 * 1024**2)
    yield "limits", ["validate", bomb]
    afile = work / "afile"
    afile.write_text("x")
    dangling = work / "dangling"
    dangling.symlink_to(work / "nowhere")
    for target in (afile, dangling, "/proc/allocator", work / ("x" * 300),
                   afile / "below"):
        yield "file system", ["solve", tiny, "--out", target]
    for target in (tiny / "households.csv", tiny, out / "proposal.csv",
                   out):
        yield "export", ["solve", tiny, "--out", out, "--export-sensitive",
                         target]


def _files(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (the history of runs included), by its
    path inside it."""
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _whole(folder: Path, whole: list[str]) -> bool:
    """Whether ``folder`` holds every output of a whole run (``whole``,
    the names a first solve wrote) and nothing half-written (a hidden
    temporary); a history of earlier runs may stand beside them."""
    names = {p.name for p in folder.iterdir()}
    return set(whole) <= names and not any(n.startswith(".")
                                           for n in names)


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="hostile-families-"))
    counts: Counter = Counter()
    problems: dict[str, list] = defaultdict(list)
    try:
        # A previous run to protect, and a proposal for explain.
        code, text, _ = cli("solve", TINY, "--out", work / "out")
        assert code == 0, text
        shutil.copy(work / "out" / "proposal.json", work / "p.json")
        whole = sorted(p.name for p in (work / "out").iterdir())
        for family, argv in cases(work):
            counts[family] += 1
            before = _files(work / "out")
            code, text, seconds = cli(*argv)
            after = _files(work / "out")
            if family == "export" and after != before:
                problems["mixed folders"].append((family, argv))
            if not _whole(work / "out", whole):
                problems["mixed folders"].append(
                    (family, sorted(p.name for p in
                                    (work / "out").iterdir())))
            if "Traceback" in text:
                problems["tracebacks"].append((family, argv, text[-300:]))
            if code == 70:
                problems["defects"].append((family, argv, text[-300:]))
            if code not in DOCUMENTED:
                problems["undocumented status"].append((family, argv, code))
            if seconds > LIMIT + SLACK:
                problems["past limit"].append((family, argv, seconds))
        # Signals: SIGINT during start-up; SIGKILL during a solve.
        rng = random.Random(14)
        for i in range(16):
            counts["signals"] += 1
            target = work / "killed"
            proc = subprocess.Popen(
                [sys.executable, "-m", "allocator.cli", "solve", TINY,
                 "--out", target, "--seed", str(i % 2)],
                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                text=True)
            time.sleep(rng.uniform(0.02, 4.0))
            kind = signal.SIGINT if i % 2 else signal.SIGKILL
            proc.send_signal(kind)
            _, err = proc.communicate(timeout=60)
            if "Traceback" in err:
                problems["tracebacks"].append(("signals", kind, err[-300:]))
            if kind == signal.SIGINT and proc.returncode not in DOCUMENTED:
                problems["undocumented status"].append(
                    ("signals", kind, proc.returncode))
            if target.exists() and any(target.iterdir()) and \
                    not _whole(target, whole):
                problems["mixed folders"].append(
                    ("signals", sorted(p.name for p in target.iterdir())))
        code, text, _ = cli("solve", TINY, "--out", work / "killed")
        stale = [p.name for p in work.iterdir()
                 if p.name.startswith(".killed.")]
        if stale:
            problems["mixed folders"].append(("stale", stale))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps({"cases": dict(counts), "total": sum(counts.values()),
                      **{k: len(problems.get(k, [])) for k in (
                          "tracebacks", "defects", "undocumented status",
                          "mixed folders", "past limit")}}, indent=1))
    for kind, items in problems.items():
        for item in items[:5]:
            print(kind, item, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
