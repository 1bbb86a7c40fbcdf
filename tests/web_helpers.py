"""Reports written for the web tests (never seed text) and a factory for the app on a temporary data folder."""

from __future__ import annotations

import io
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import docx

from reviewer.config import Config, LLMConfig
from reviewer.web.app import create_app
from reviewer.web.settings import WebSettings


# The cell-per-line text layout: a tab-prefixed line is a cell, a blank line ends a row.
PASTED = """附件一
2024年度部门整体支出绩效评价基础数据表
\t经费控制情况（万元）
\t2023 年决算数
\t2024 年预算数
\t2024 年决算数

\t项目支出：
\t30
\t40
\t55

\t1、培训项目
\t10
\t20
\t25

\t2、宣传项目
\t20
\t20
\t20

填表人：王五　　填报日期：6月19日　　联系电话：0731-1234567
"""
SUM_MESSAGE = "项目支出2024年决算数55万元，与明细合计45万元不一致（差10万元）"
NEW_SUM_MESSAGE = "项目支出2023年决算数35万元，与明细合计30万元不一致（差5万元）"
DATE_MESSAGE = "填报日期未写年份"


def report_docx(total: str = "55", last_year: str = "30", date: str = "6月19日") -> bytes:
    """A small 基础数据表 as a real .docx: 项目支出 against two items, and a signature line."""
    word = docx.Document()
    word.add_paragraph("附件一")
    word.add_paragraph("2024年度部门整体支出绩效评价基础数据表")
    rows = [
        ["经费控制情况（万元）", "2023 年决算数", "2024 年预算数", "2024 年决算数"],
        ["项目支出：", last_year, "40", total],
        ["1、培训项目", "10", "20", "25"],
        ["2、宣传项目", "20", "20", "20"],
    ]
    table = word.add_table(rows=len(rows), cols=4)
    table.style = word.styles["Table Grid"]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    word.add_paragraph(f"填表人：王五　　填报日期：{date}　　联系电话：0731-1234567")
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def web_settings(folder: Path, **overrides) -> WebSettings:
    """Settings keeping everything under ``folder``."""
    values = {"data_dir": folder / "data", "baseline": folder / "baseline.json", "hosts": ["testserver", "127.0.0.1"], **overrides}
    return WebSettings(**values)


def make_app(folder: Path, llm: LLMConfig | None = None, **overrides):
    """The app on a data folder under ``folder``, without reading any reviewer.toml."""
    config = Config(llm=llm) if llm else Config()
    return create_app(web_settings(folder, **overrides), config)


@contextmanager
def served(app):
    """The app served by uvicorn on a free port of 127.0.0.1 in a thread; yields (host, port)."""
    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield "127.0.0.1", port
    finally:
        server.should_exit = True
        thread.join(timeout=20)


def finish(client, url: str) -> dict:
    """Poll a web batch's progress endpoint until the batch is done (at most a minute)."""
    for _ in range(240):
        progress = client.get(url + "/progress").json()
        if progress["finished"]:
            return progress
        time.sleep(0.25)
    raise AssertionError("batch did not finish")
