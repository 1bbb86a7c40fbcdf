"""Small report texts for the batch tests (written for the tests, in the cell-per-line text layout), and hostile reviews."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# A copied 存在的问题 paragraph: long enough (≥ 100 characters) for BATCH001 to flag it across units.
SHARED = (
    "预算执行进度前慢后快的问题仍然存在。部分项目前期论证不够充分，审批周期较长，上半年支出进度仅完成全年的三成，"
    "下半年集中支付压力较大；绩效目标设置偏笼统，量化指标较少，难以准确衡量资金使用效果，下一步将加强项目库管理和绩效目标审核。"
)


def report_text(
    unit: str,
    year: int,
    last: tuple[str, str, str, str] = ("30", "10", "20", "5"),
    budget: tuple[str, str, str, str] = ("40", "20", "20", "6"),
    actual: tuple[str, str, str, str] = ("45", "25", "20", "6"),
    paragraphs: tuple[str, ...] = (),
) -> str:
    """A report with a 基础数据表 (项目支出 with two items, 公用经费), the unit's name and narrative paragraphs.

    Column values are (项目支出, 培训项目, 宣传项目, 公用经费) for last year's 决算,
    this year's 预算 and this year's 决算.
    """
    rows = [
        ["经费控制情况（万元）", f"{year - 1} 年决算数", f"{year} 年预算数", f"{year} 年决算数"],
        ["项目支出：", last[0], budget[0], actual[0]],
        ["1、培训项目", last[1], budget[1], actual[1]],
        ["2、宣传项目", last[2], budget[2], actual[2]],
        ["公用经费", last[3], budget[3], actual[3]],
    ]
    table = "".join("".join(f"\t{c}\n" for c in row) + "\n" for row in rows)
    body = "\n\n".join(paragraphs or (f"{unit}{year}年度主要职责是做好本行业的日常管理和服务工作，全年共办理各类事项若干件，群众满意度较上年有所提高，工作任务全面完成。",))
    return (
        f"附件一\n\n{year}年度部门整体支出绩效评价基础数据表\n{table}\n"
        f"附件二\n\n{year}年度部门整体支出绩效自评表\n\t预算部门、单位名称\n\t{unit}\n\n\n"
        f"附件四\n\n{unit}{year}年度部门整体支出绩效自评报告\n\n一、部门基本情况\n\n{body}\n"
    )


def write(path: Path, text: str) -> Path:
    """Write a UTF-8 text file, creating folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run ``python -m reviewer`` with the working tree importable."""
    return subprocess.run(
        [sys.executable, "-m", "reviewer", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(cwd)},
    )


# ---- hostile reviews: what a pathological file does to the worker that reviews it -------------

_LEAK: list[bytes] = []  # what a hog leaves behind in its worker


def exhaust_memory() -> None:
    """Allocate 64 MB blocks, keeping them, until the worker's memory limit raises MemoryError.

    The blocks stay referenced afterwards, as a leaking parser's would, so
    the next review in the same worker would fail too. Without a limit it
    stops at 64 GB of address space (the blocks are never written, so they
    cost no real memory) and says so.
    """
    for _ in range(1024):
        _LEAK.append(bytes(64 * 2**20))  # calloc: address space, not memory, until written
    raise AssertionError("64 GB allocated: the worker has no memory limit")


def hostile_review(file: str, *args):
    """reviewer.batch_jobs.review_job, except for files named after what they do to the worker.

    内存*: exhaust the memory limit; 崩溃*: die of SIGSEGV, as a crashing C
    library would; 卡住*: hang for a minute; 出错*: raise an exception past the
    review's own handling. Each first writes a traceback to stderr, which must
    never reach the user.
    """
    from reviewer.batch_jobs import review_job

    name = Path(file).name
    if name.startswith(("内存", "崩溃", "卡住", "出错")):
        print("Traceback (most recent call last):\n  (a library's own message)", file=sys.stderr, flush=True)
    if name.startswith("内存"):
        exhaust_memory()
    if name.startswith("崩溃"):
        os.kill(os.getpid(), signal.SIGSEGV)
    if name.startswith("卡住"):
        time.sleep(60)
    if name.startswith("出错"):
        raise RuntimeError("解析库内部错误")
    return review_job(file, *args)


# `reviewer batch ...` with hostile_review in place of the real review.
_HOSTILE_CLI = (
    "import reviewer.batch, tests.batch_helpers as helpers; reviewer.batch.review_job = helpers.hostile_review; "
    "from reviewer.cli import main; main()"
)


def run_hostile_cli(*args: str) -> subprocess.CompletedProcess:
    """Run the batch command line with hostile_review (see there) reviewing every file."""
    return subprocess.run(
        [sys.executable, "-c", _HOSTILE_CLI, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(ROOT)},
    )
