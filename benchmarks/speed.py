"""Speed benchmark: every figure of the speed targets, side by side, in one run.

Usage: python benchmarks/speed.py [--runs N] [--scales 1,10,100] [--copies N] [--only a,b,...]

(a) the command-line rules-only review of a small .docx against a bare
    ``python -c "import docx; docx.Document(PATH)"`` process, run in turn
    (A B A B ...) so that the ratio is taken pair by pair;
(b) in-process review against in-process parse (the library's own reading:
    python-docx, openpyxl, pdfplumber's characters of every page, or decoding
    the text) for .docx, .xlsx, .pdf and text, with the reviewer's own ingest
    for reference. The reviewer reads PDFs with pdfium, not pdfplumber: the
    .pdf row also gives pypdfium2's raw reading of every character (text, box,
    font size), the floor of that reader, side by side;
(c) ``reviewer --help``;
(d) review time at 1×, 10× and 100× the sample's tables (the text sample
    repeated), with the exponent of the fitted power law t ∝ n^k;
(e) ``reviewer batch`` reports per second with --jobs 1 and 2 (json + html
    outputs), per CPU second of all its processes (the batch, its fork server
    and workers, reaped by this process as their subreaper), medians of
    --runs/2 runs, before and now in turn;
(f) the LLM stage's planned input tokens against the document's own tokens
    (the stage's dry-run plan; nothing is sent), for the samples and the seeds.

(e) and (f) measure the working tree and, side by side in the same run, the
commit given with ``--before`` (default: the last one before the batch and
LLM token work of issue 15), exported with ``git archive`` and run with the
same interpreter and packages.

A closing summary prints each section's figure beside its target, with the
machine's load average (the machine is shared: a high load makes every
figure slower and the ratios noisier).

Process figures are medians; CPU seconds (user + system, from the operating
system's accounting of the finished children) are shown next to wall seconds
because they depend less on what else the machine runs. Source files are
compiled to bytecode first, as an installed package has them.
"""

from __future__ import annotations

import argparse
import compileall
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SAMPLE = SAMPLES / "hunan_department"
sys.path.insert(0, str(ROOT))

TARGETS = {
    "a": "≤ 2× the bare python-docx process",
    "b": "≤ 1.5× the parse on every format",
    "c": "≤ 0.3 s",
    "d": "exponent ≤ 1.1",
    "e": "≥ 20 reports/s per core",
    "f": "≤ 0.8× the document's tokens",
}


def run(args: list[str], cwd: Path = ROOT) -> tuple[float, float]:
    """(wall, cpu) seconds of one process run to its end; its output is discarded."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _become_subreaper() -> bool:
    """Make this process the subreaper of its descendants (Linux prctl), so orphans are reaped here; whether it worked."""
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def run_tree(args: list[str], cwd: Path = ROOT, env: dict[str, str] | None = None) -> tuple[float, float | None]:
    """(wall, cpu) seconds of a command and every process it starts, waited for to the last one.

    Batch workers are children of a fork server that outlives the command by
    a moment: as subreaper this process inherits and reaps it, so the
    operating system's accounting of reaped children covers them all. CPU is
    None where this process cannot be a subreaper (not Linux).
    """
    exact = _become_subreaper()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    while exact:
        try:
            os.wait()
        except ChildProcessError:
            break
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu if exact else None


BEFORE = "3f3d8af"  # the last commit before issue 15's batch throughput and LLM token work


def export_tree(ref: str, into: Path) -> Path | None:
    """The files of commit ``ref`` of this repository, exported under ``into`` (None when git cannot)."""
    into.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, capture_output=True, check=False)
    if archive.returncode != 0:
        return None
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def trees(before: str | None, scratch: Path) -> list[tuple[str, Path]]:
    """(label, source tree) pairs to measure: the --before commit when it can be exported, then the working tree."""
    pairs = []
    if before:
        old = export_tree(before, scratch / "before")
        if old is None:
            print(f"    （{before} 无法导出，只测当前代码）")
        else:
            pairs.append((f"before {before}", old))
    return [*pairs, ("now", ROOT)]


def tree_env(tree: Path) -> dict[str, str]:
    """The environment that makes ``python -m reviewer`` run the code of ``tree`` (ahead of the installed package)."""
    return {**os.environ, "PYTHONPATH": str(tree)}


def reviewer_command() -> list[str]:
    """The installed console script next to this interpreter, else ``python -m reviewer``."""
    script = Path(sys.executable).with_name("reviewer")
    return [str(script)] if script.exists() else [sys.executable, "-m", "reviewer"]


def median_pairs(a: list[str], b: list[str], runs: int) -> tuple[tuple[float, float], tuple[float, float], float, float]:
    """Medians of A's and B's (wall, cpu) and of the pairwise ratios A/B (wall, cpu); A and B in turn."""
    run(a), run(b)  # warm the file cache
    pairs = [(run(a), run(b)) for _ in range(runs)]
    med = lambda xs: statistics.median(xs)  # noqa: E731
    wall_a, cpu_a = med([p[0][0] for p in pairs]), med([p[0][1] for p in pairs])
    wall_b, cpu_b = med([p[1][0] for p in pairs]), med([p[1][1] for p in pairs])
    return (wall_a, cpu_a), (wall_b, cpu_b), med([p[0][0] / p[1][0] for p in pairs]), med([p[0][1] / p[1][1] for p in pairs])


# What any typer command that opens a .docx costs: typer (pinned below 0.29, which builds a
# pydantic TypeAdapter for each parameter at every run) and python-docx, nothing of the reviewer's.
_FLOOR = """
import sys
from pathlib import Path
from typing import Optional
import typer
app = typer.Typer(add_completion=False, rich_markup_mode=None)
@app.command()
def review(paths: list[str] = typer.Argument(...), output: Optional[Path] = typer.Option(None, "--output"),
           no_llm: bool = typer.Option(False, "--no-llm")) -> None:
    import docx
    docx.Document(paths[0])
@app.command()
def other() -> None:
    pass
app(sys.argv[1:])
"""


def section_a(runs: int) -> str:
    path = str(SAMPLE.with_suffix(".docx"))
    a = [*reviewer_command(), "review", path, "--no-llm"]
    b = [sys.executable, "-c", f"import docx; docx.Document({path!r})"]
    floor = [sys.executable, "-c", _FLOOR, "review", path, "--no-llm"]
    (wa, ca), (wb, cb), rw, rc = median_pairs(a, b, runs)
    (wf, cf), _, _, rf = median_pairs(floor, b, runs)
    print(f"(a) CLI rules-only review of {Path(path).name}: {wa:.3f} s wall, {ca:.3f} s CPU")
    print(f"    bare python-docx process:                {wb:.3f} s wall, {cb:.3f} s CPU")
    print(f"    a typer command opening it with python-docx (the dependencies' floor): {wf:.3f} s wall, {cf:.3f} s CPU, "
          f"{rf:.2f}× the bare process")
    print(f"    ratio (pairwise median): {rw:.2f}× wall, {rc:.2f}× CPU   target {TARGETS['a']}")
    return f"{rc:.2f}× CPU, {rw:.2f}× wall (floor {rf:.2f}×)"


def _cpu_median(func, runs: int) -> float:
    func()
    times = []
    for _ in range(runs):
        start = time.process_time()
        func()
        times.append(time.process_time() - start)
    return statistics.median(times)


def _parse_docx(path: Path) -> None:
    import docx

    document = docx.Document(str(path))
    for paragraph in document.paragraphs:
        paragraph.text
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                cell.text


def _parse_xlsx(path: Path) -> None:
    import openpyxl

    workbook = openpyxl.load_workbook(path)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            list(row)


def _parse_pdf(path: Path) -> None:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.chars


def _parse_pdf_pdfium(path: Path) -> None:
    """Every character's text, box and font size with pypdfium2's raw API: what the reviewer's PDF reader builds on."""
    import ctypes

    import pypdfium2
    import pypdfium2.raw as pdfium_c

    pdf = pypdfium2.PdfDocument(path)
    box = pdfium_c.FS_RECTF()
    for number in range(len(pdf)):
        page = pdf[number]
        text = pdfium_c.FPDFText_LoadPage(page.raw)
        for index in range(pdfium_c.FPDFText_CountChars(text)):
            chr(pdfium_c.FPDFText_GetUnicode(text, index))
            pdfium_c.FPDFText_GetLooseCharBox(text, index, ctypes.byref(box))
            pdfium_c.FPDFText_GetFontSize(text, index)
        pdfium_c.FPDFText_ClosePage(text)
        page.close()
    pdf.close()


def _parse_text(path: Path) -> None:
    path.read_bytes().decode("utf-8")


def section_b(runs: int) -> str:
    from reviewer.ingest import load
    from reviewer.pipeline import review_path

    print("(b) in-process, CPU medians:  parse = the library's own reading; ingest = reviewer's reader")
    print(f"    {'format':6} {'parse':>9} {'ingest':>9} {'review':>9} {'review/parse':>13} {'review/ingest':>14}")
    parsers = {".docx": _parse_docx, ".xlsx": _parse_xlsx, ".pdf": _parse_pdf, ".txt": _parse_text}
    ratios = []
    for suffix, parse in parsers.items():
        path = SAMPLE.with_suffix(suffix)
        p = _cpu_median(lambda: parse(path), runs)
        i = _cpu_median(lambda: load(path), runs)
        r = _cpu_median(lambda: review_path(path), runs)
        print(f"    {suffix[1:]:6} {p * 1000:7.1f}ms {i * 1000:7.1f}ms {r * 1000:7.1f}ms {r / p:12.2f}× {r / i:13.2f}×"
              + ("   parse = pdfplumber's page.chars" if suffix == ".pdf" else ""))
        if suffix == ".pdf":
            raw = _cpu_median(lambda: _parse_pdf_pdfium(path), runs)
            print(f"    {'':6} {raw * 1000:7.1f}ms {'':9} {'':9} {r / raw:12.2f}×{'':15}   parse = pypdfium2's raw characters")
        # Text has no library parse to speak of (decoding the bytes): its review is held to its own ingest.
        ratio = f"{suffix[1:]} {r / i if suffix == '.txt' else r / p:.2f}×{' (of ingest)' if suffix == '.txt' else ''}"
        if suffix == ".pdf":
            ratio += f" of pdfplumber's reading ({r / raw:.1f}× of pdfium's)"
        ratios.append(ratio)
    print(f"    target {TARGETS['b']}")
    return ", ".join(ratios)


def section_c(runs: int) -> str:
    results = [run([*reviewer_command(), "--help"]) for _ in range(runs + 1)][1:]
    wall = statistics.median(r[0] for r in results)
    cpu = statistics.median(r[1] for r in results)
    start = [run([sys.executable, "-c", "pass"]) for _ in range(runs)]
    print(f"(c) reviewer --help: {wall:.3f} s wall, {cpu:.3f} s CPU (bare interpreter: "
          f"{statistics.median(r[0] for r in start):.3f} s wall)   target {TARGETS['c']}")
    return f"{cpu:.3f} s CPU, {wall:.3f} s wall"


def section_d(scales: list[int]) -> str:
    from reviewer.ingest import load_bytes
    from reviewer.pipeline import review_document

    text = SAMPLE.with_suffix(".txt").read_text(encoding="utf-8")
    points = []
    print("(d) review time against the number of tables (the text sample repeated), CPU:")
    for scale in scales:
        document = load_bytes("\n\n".join([text] * scale).encode("utf-8"), f"x{scale}.txt", ".txt")
        start = time.process_time()
        review_document(document)
        seconds = time.process_time() - start
        points.append((len(document.tables), seconds))
        print(f"    {scale:4}×: {len(document.tables):5} tables {seconds:8.3f} s  ({seconds / len(document.tables) * 1000:.1f} ms per table)")
    if len(points) > 1:
        xs = [math.log(n) for n, _ in points]
        ys = [math.log(s) for _, s in points]
        mx, my = statistics.fmean(xs), statistics.fmean(ys)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
        print(f"    fitted exponent k (t ∝ n^k): {slope:.2f}   target {TARGETS['d']}")
        return f"exponent {slope:.2f}"
    return "one scale: no exponent"


def section_e(copies: int, before: str | None, repeats: int) -> str:
    files = sorted(p for p in SAMPLES.iterdir() if p.suffix in {".txt", ".md", ".docx", ".xlsx", ".pdf"} and ".expected" not in p.name)
    with tempfile.TemporaryDirectory(prefix="reviewer-speed-") as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        for copy in range(copies):
            for file in files:
                shutil.copyfile(file, folder / f"{copy:03d}_{file.name}")
        count = copies * len(files)
        print(f"(e) batch of {count} reports ({len(files)} samples × {copies}), first run, json + html outputs,"
              f" medians of {repeats} interleaved runs:")
        rates = []
        trees_ = trees(before, Path(tmp))
        for _, tree in trees_:
            compileall.compile_dir(str(tree / "reviewer"), quiet=1)
        for jobs in (1, 2):
            # Before and now alternate, so that a change in the machine's load falls on both alike.
            runs: dict[str, list[tuple[float, float | None]]] = {label: [] for label, _ in trees_}
            for repeat in range(repeats):
                for label, tree in trees_:
                    out = Path(tmp) / f"out-{jobs}-{label.split()[0]}-{repeat}"
                    runs[label].append(run_tree([sys.executable, "-m", "reviewer", "batch", str(folder), "--out", str(out), "--jobs",
                                                 str(jobs), "--no-llm", "--fail-on", "never", "--formats", "json,html"],
                                                cwd=tree, env=tree_env(tree)))
                    shutil.rmtree(out, ignore_errors=True)
            for label, measured in runs.items():
                wall = statistics.median(w for w, _ in measured)
                cpus = [c for _, c in measured if c is not None]
                cpu = statistics.median(cpus) if cpus else None
                per_cpu = f"{count / cpu:5.1f} reports per CPU second" if cpu else "CPU not measured"
                print(f"    --jobs {jobs} {label:<16} {wall:6.2f} s wall, {cpu or 0:6.2f} s CPU → {count / wall:5.1f} reports/s, {per_cpu}")
                if label == "now" and cpu:
                    rates.append(f"--jobs {jobs}: {count / cpu:.1f}/CPU s")
    print(f"    load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs: wall time grows with it, CPU time hardly")
    print(f"    target {TARGETS['e']}")
    return ", ".join(rates)


_PLAN = """
import sys
from pathlib import Path
from reviewer.config import LLMConfig
from reviewer.extract import extract
from reviewer.ingest import load
from reviewer.llm.stage import run_llm_stage
from reviewer.llm.tokens import count_tokens

config = LLMConfig(base_url="http://127.0.0.1:9/v1", model="dry-run")
for name in sys.argv[1:]:
    document = load(Path(name))
    whole = "\\n".join([p.text for p in document.paragraphs] + [c.text for t in document.tables for r in t.rows for c in r])
    counts = run_llm_stage(document, extract(document), config, dry_run=True).token_counts
    print(name, counts.planned_requests, counts.planned_input_tokens, count_tokens(whole))
"""


def section_f(before: str | None, seeds: Path) -> str:
    files = [SAMPLE.with_suffix(".txt"), SAMPLE.with_suffix(".docx")]
    files += sorted(seeds.iterdir()) if seeds.is_dir() else []
    print("(f) LLM stage, dry-run plan (nothing sent), default token budget: planned input tokens / document tokens")
    with tempfile.TemporaryDirectory(prefix="reviewer-speed-") as tmp:
        columns = []
        for label, tree in trees(before, Path(tmp)):
            done = subprocess.run([sys.executable, "-c", _PLAN, *map(str, files)], cwd=tree, env=tree_env(tree),
                                  capture_output=True, text=True, check=False)
            rows = {line.rsplit(" ", 3)[0]: line.rsplit(" ", 3)[1:] for line in done.stdout.splitlines()}
            if done.returncode != 0:
                print(f"    {label}: not measured ({(done.stderr.strip().splitlines() or ['?'])[-1]})")
            columns.append((label, rows))
        print(f"    {'document':36}" + "".join(f"{label:>30}" for label, _ in columns))
        ratios = []
        for file in files:
            cells = []
            for label, rows in columns:
                if str(file) in rows:
                    requests, planned, whole = map(int, rows[str(file)])
                    cells.append(f"{requests} req {planned:6} / {whole:5} = {planned / whole:4.2f}×")
                    if label == "now":
                        ratios.append(planned / whole)
                else:
                    cells.append("-")
            print(f"    {file.name[:36]:36}" + "".join(f"{c:>30}" for c in cells))
    print(f"    target {TARGETS['f']}")
    return f"{min(ratios):.2f}–{max(ratios):.2f}×" if ratios else "not measured"


def main() -> None:
    """Run the sections asked for and print their figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per process measurement (medians)")
    parser.add_argument("--scales", default="1,10,100", help="table multiples for (d)")
    parser.add_argument("--copies", type=int, default=10, help="copies of each sample in the batch of (e)")
    parser.add_argument("--only", default="a,b,c,d,e,f", help="sections to run")
    parser.add_argument("--before", default=BEFORE, help="commit that (e) and (f) also measure, side by side ('' = none)")
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds", help="real reports for (f)")
    args = parser.parse_args()
    compileall.compile_dir(str(ROOT / "reviewer"), quiet=1)
    wanted = args.only.split(",")
    sections = {
        "a": lambda: section_a(args.runs),
        "b": lambda: section_b(args.runs),
        "c": lambda: section_c(args.runs),
        "d": lambda: section_d([int(s) for s in args.scales.split(",")]),
        "e": lambda: section_e(args.copies, args.before, max(1, args.runs // 2)),
        "f": lambda: section_f(args.before, args.seeds),
    }
    figures = {name: run() for name, run in sections.items() if name in wanted}
    print(f"\nSummary (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the end):")
    for name, figure in figures.items():
        print(f"    ({name}) {figure:58} target {TARGETS[name]}")


if __name__ == "__main__":
    main()
