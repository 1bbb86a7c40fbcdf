"""Hostile-input benchmark: every broken or hostile file through ``reviewer review``, with time and peak memory.

Usage: python benchmarks/hostile.py [--limit-seconds 30] [--limit-mb 1024] [--keep DIR]

The corpus is built by tests/fixtures/hostile.py into a temporary folder (or
``--keep DIR``). Each file is reviewed in its own process (``--no-llm``),
which is killed past twice the time limit and cannot address more than 2 GB,
so a regression cannot take the machine down. For each file the table gives
the exit code, the seconds, the child's peak resident memory and the number
of stderr lines; the closing note gives the totals and every file that broke
a limit, gave an unexpected exit code, more than one stderr line or a
traceback. The script exits 1 when any file did.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fixtures.hostile import Hostile, build  # noqa: E402

ADDRESS_SPACE_CAP = 2 << 30  # bytes: a runaway child fails instead of swapping the machine


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_CAP, ADDRESS_SPACE_CAP))


def run_one(item: Hostile, kill_after: float) -> tuple[int, float, float, list[str]]:
    """Review one file in a child process: (exit code, seconds, peak RSS in MB, stderr lines)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-m", "reviewer", "review", "--no-llm", str(item.path)],
            stdout=out, stderr=err, preexec_fn=_cap_memory, cwd=ROOT,
        )
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - start > kill_after:
                child.kill()
                pid, status, usage = os.wait4(child.pid, 0)
                break
            time.sleep(0.02)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        lines = err.read().decode("utf-8", "replace").splitlines()
    return child.returncode, seconds, usage.ru_maxrss / 1024, lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit-seconds", type=float, default=30.0)
    parser.add_argument("--limit-mb", type=float, default=1024.0)
    parser.add_argument("--keep", type=Path, help="build the corpus here and leave it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = build(args.keep or Path(tmp))
        print(f"{'文件':<24}{'退出码':>6}{'秒':>8}{'峰值MB':>9}{'stderr行':>9}  说明")
        total_seconds, peak, broken = 0.0, 0.0, []
        for item in corpus:
            code, seconds, mb, lines = run_one(item, 2 * args.limit_seconds)
            total_seconds += seconds
            peak = max(peak, mb)
            problems = []
            if seconds > args.limit_seconds:
                problems.append(f"超过 {args.limit_seconds:g} 秒")
            if mb > args.limit_mb:
                problems.append(f"超过 {args.limit_mb:g} MB")
            if code not in item.exit_codes:
                problems.append(f"退出码应为 {'/'.join(map(str, item.exit_codes))}")
            if any("Traceback" in line for line in lines):
                problems.append("有 Traceback")
            if code == 2 and len(lines) != 1:
                problems.append(f"stderr 有 {len(lines)} 行")
            if problems:
                broken.append(f"{item.path.name}: {'；'.join(problems)}")
            print(f"{item.path.name:<24}{code:>6}{seconds:>8.2f}{mb:>9.0f}{len(lines):>9}  {item.what}")
        print(
            f"\n共 {len(corpus)} 个文件，总计 {total_seconds:.1f} 秒，最大峰值内存 {peak:.0f} MB；"
            f"{'全部在限值内' if not broken else f'{len(broken)} 个有问题'}"
        )
        for line in broken:
            print(f"  {line}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
