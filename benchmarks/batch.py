"""Batch benchmark: first run vs re-run (the cache), reports per second with 1 and 2 jobs, time per report.

Usage: python benchmarks/batch.py [--copies N] [--seeds DIR]

The corpus is the seeds (when present) and the sample reports, each repeated
``--copies`` times so that pool start-up does not dominate. No LLM is used.
Times are measured in-process around ``run_batch``; the command-line figures
add the interpreter start-up (about half a second) to both runs, and say how
much of the first run its processes spent on a CPU and how much waiting for
one (on Linux).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reviewer.batch import BatchOptions, run_batch  # noqa: E402
from reviewer.pipeline import review_path  # noqa: E402

REPORT_SUFFIXES = {".txt", ".md", ".docx", ".xlsx", ".pdf"}


def corpus(seeds: Path) -> list[Path]:
    """The seed files and the sample reports (not the expected-output files)."""
    files = sorted(seeds.iterdir()) if seeds.is_dir() else []
    files += sorted(p for p in (ROOT / "samples").iterdir() if p.suffix in REPORT_SUFFIXES and ".expected" not in p.name)
    return files


def timed(func) -> float:
    """Seconds one call takes."""
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def _family(root: int) -> set[int]:
    """The pids of ``root`` and all its descendants (Linux /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    family, grew = {root}, True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in family and pid not in family:
                family.add(pid)
                grew = True
    return family


def cli_run(folder: Path, out: Path) -> tuple[float, str, tuple[float, float] | None]:
    """Wall-clock seconds of ``python -m reviewer batch folder --out out``, its last line, and where its processes' time went.

    The last: seconds on a CPU and seconds runnable but waiting for a free CPU,
    summed over the command and its workers (from /proc/PID/schedstat, read
    every 50 ms, so a process's last moments may be missed); None without /proc.
    """
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "reviewer", "batch", str(folder), "--out", str(out), "--fail-on", "never"],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    last: dict[int, tuple[float, float]] = {}
    while process.poll() is None and Path("/proc/self/schedstat").exists():
        for pid in _family(process.pid):
            try:
                on_cpu, waiting = Path(f"/proc/{pid}/schedstat").read_text().split()[:2]
            except (OSError, ValueError):
                continue
            last[pid] = (int(on_cpu) / 1e9, int(waiting) / 1e9)
        time.sleep(0.05)
    stderr = process.communicate()[1]
    wall = time.perf_counter() - start
    times = (sum(t[0] for t in last.values()), sum(t[1] for t in last.values())) if last else None
    return wall, stderr.strip().splitlines()[-1], times


def main() -> None:
    """Run the measurements and print them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10, help="how many times to repeat each report")
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    args = parser.parse_args()
    files = corpus(args.seeds)
    with tempfile.TemporaryDirectory(prefix="reviewer-bench-") as tmp:
        work = Path(tmp)
        folder = work / "in"
        for copy in range(args.copies):
            for f in files:
                target = folder / f"c{copy:03d}" / f.name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(f, target)
        count = len(files) * args.copies
        print(f"语料：{len(files)} 份报告 × {args.copies} 份拷贝 = {count} 份（{', '.join(f.name for f in files)}）")

        first = timed(lambda: run_batch([str(folder)], work / "out", BatchOptions(jobs=2)))
        results = []
        rerun = timed(lambda: results.append(run_batch([str(folder)], work / "out", BatchOptions(jobs=2))))
        print(f"首次运行 {first:.2f} 秒，再次运行 {rerun:.3f} 秒（使用缓存 {results[0].cached} 份），"
              f"加速 {first / rerun:.0f} 倍（目标 ≥10 倍；--jobs 2，含输出文件）")
        cli_first, _, times = cli_run(folder, work / "out-cli")
        cli_rerun, line, _ = cli_run(folder, work / "out-cli")
        print(f"命令行（含解释器启动）：首次 {cli_first:.2f} 秒，再次 {cli_rerun:.2f} 秒，加速 {cli_first / cli_rerun:.1f} 倍")
        if times:
            # A batch that looks stalled (wall far above CPU) is either waiting for a free CPU (a loaded
            # machine) or blocked (disk syncs, a sleeping loop): the two are told apart here.
            print(f"  首次运行各进程合计：在 CPU 上 {times[0]:.2f} 秒，就绪但等待空闲 CPU {times[1]:.2f} 秒"
                  f"（机器负载 {os.getloadavg()[0]:.1f}，{os.cpu_count()} 核）；其余为阻塞等待（进程间可重叠）")
        print(f"  再次运行：{line}")

        for jobs in (1, 2):
            seconds = timed(lambda: run_batch([str(folder)], work / f"jobs{jobs}", BatchOptions(jobs=jobs)))
            print(f"--jobs {jobs}：{count} 份 {seconds:.2f} 秒，{count / seconds:.1f} 份/秒（审阅并生成 json+html 等输出，无缓存）")
            seconds = timed(lambda: run_batch([str(folder)], None, BatchOptions(jobs=jobs)))
            print(f"--jobs {jobs}：{count} 份 {seconds:.2f} 秒，{count / seconds:.1f} 份/秒（只审阅，不写输出）")

    print("单份审阅耗时（进程内，读入+识别+规则，取 5 次中位数）：")
    for f in files:
        review_path(f)  # warm-up: imports and caches
        times = [timed(lambda: review_path(f)) for _ in range(5)]
        print(f"  {f.name:<36}{statistics.median(times) * 1000:8.1f} 毫秒")


if __name__ == "__main__":
    main()
