"""Hostile-input benchmark: every broken or hostile file through ``reviewer review``, with time and peak memory.

Usage: python benchmarks/hostile.py [--limit-seconds 30] [--limit-mb 1024] [--keep DIR]

The corpus is built by tests/fixtures/hostile.py into a temporary folder (or
``--keep DIR``). Each input is read in its own process (``reviewer review
--no-llm``, or ``reviewer batch --no-llm`` for folders and archives), which
is killed past twice the time limit and cannot address more than 2 GB, so a
regression cannot take the machine down. For each input the table gives the
exit code, the seconds, the peak resident memory of the process and its
children and the number of stderr lines; the closing note gives the totals
and every input that broke a limit, gave an unexpected exit code, more stderr
lines than one per failed file (and a batch's closing line), a traceback, a
raw escape character on stdout, or missed the text it must print. The script
exits 1 when any input did.
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


def command(item: Hostile, scratch: Path) -> list[str]:
    """The command line that reads one corpus input (a batch writes into ``scratch``)."""
    if item.command == "batch":
        return [sys.executable, "-m", "reviewer", "batch", "--no-llm", "--out", str(scratch), *item.args, str(item.path)]
    return [sys.executable, "-m", "reviewer", "review", "--no-llm", *item.args, str(item.path)]


def run_one(item: Hostile, kill_after: float) -> tuple[int, float, float, str, list[str]]:
    """Read one input in a child process: (exit code, seconds, peak RSS in MB, stdout, stderr lines).

    The peak is the largest of the child and the worker processes it waited for (a batch's workers).
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.TemporaryDirectory() as scratch:
        start = time.perf_counter()
        child = subprocess.Popen(
            command(item, Path(scratch) / "out"), stdout=out, stderr=err, preexec_fn=_cap_memory, cwd=ROOT,
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
        out.seek(0)
        err.seek(0)
        printed = out.read().decode("utf-8", "replace")
        lines = err.read().decode("utf-8", "replace").splitlines()
    # wait4's ru_maxrss is the largest of the child and the descendants it waited for (Linux).
    return child.returncode, seconds, usage.ru_maxrss / 1024, printed, lines


def problems_of(item: Hostile, code: int, seconds: float, mb: float, printed: str, lines: list[str],
                limits: argparse.Namespace) -> list[str]:
    """What is wrong with one run, in Chinese (empty when nothing is)."""
    problems = []
    if seconds > limits.limit_seconds:
        problems.append(f"超过 {limits.limit_seconds:g} 秒")
    if mb > limits.limit_mb:
        problems.append(f"超过 {limits.limit_mb:g} MB")
    if code not in item.exit_codes:
        problems.append(f"退出码应为 {'/'.join(map(str, item.exit_codes))}")
    if any("Traceback" in line for line in lines):
        problems.append("有 Traceback")
    if "\x1b" in printed or any("\x1b" in line for line in lines):
        problems.append("输出中有原样的控制字符")
    if item.command == "batch":
        failed = sum(line.startswith("失败：") for line in lines)
        if len(lines) != failed + 1:
            problems.append(f"stderr 有 {len(lines)} 行，失败 {failed} 个")
    elif code == 2 and len(lines) != 1:
        problems.append(f"stderr 有 {len(lines)} 行")
    if item.says and item.says not in printed + "\n".join(lines):
        problems.append(f"输出中没有「{item.says}」")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit-seconds", type=float, default=30.0)
    parser.add_argument("--limit-mb", type=float, default=1024.0)
    parser.add_argument("--keep", type=Path, help="build the corpus here and leave it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = build(args.keep or Path(tmp))
        print(f"{'文件':<24}{'退出码':>6}{'秒':>8}{'峰值MB':>9}{'stderr行':>9}  说明")
        total_seconds, longest, peak, tracebacks, broken = 0.0, 0.0, 0.0, 0, []
        for item in corpus:
            code, seconds, mb, printed, lines = run_one(item, 2 * args.limit_seconds)
            total_seconds += seconds
            longest = max(longest, seconds)
            peak = max(peak, mb)
            tracebacks += any("Traceback" in line for line in lines)
            problems = problems_of(item, code, seconds, mb, printed, lines, args)
            shown = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in item.path.name)
            if problems:
                broken.append(f"{shown}: {'；'.join(problems)}")
            print(f"{shown:<24}{code:>6}{seconds:>8.2f}{mb:>9.0f}{len(lines):>9}  {item.what}")
        print(
            f"\n共 {len(corpus)} 个输入，总计 {total_seconds:.1f} 秒，最长 {longest:.1f} 秒，最大峰值内存 {peak:.0f} MB，"
            f"Traceback {tracebacks} 个；{'全部在限值内' if not broken else f'{len(broken)} 个有问题'}"
        )
        for line in broken:
            print(f"  {line}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
