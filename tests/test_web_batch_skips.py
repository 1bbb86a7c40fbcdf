"""A .zip uploaded to the web batch skips what is not a report, as `reviewer batch` does, one line per kind."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest
from fastapi.testclient import TestClient

from reviewer.inputs import collect
from tests.batch_helpers import report_text
from tests.web_helpers import finish, make_app

LISTING = "SUM001 合计与明细不一致\nSCORE004 得分超过分值\nTEXT002 填报日期空白\n"
EARLIER_TEXT = "癸县甲局.txt  错误 1，警告 0，提示 0（单位：癸县甲局；年度：2024）\n\n错误（1）\n  SUM001 ……\n"
README = "本压缩包收录癸县各单位2024年度绩效自评报告，按单位命名。\n"
NOTICE = "请各单位于周五前把材料交到三楼办公室。\n"


def findings_workbook() -> bytes:
    """A workbook shaped as this tool's findings list: sheets 问题清单 and 汇总."""
    book = openpyxl.Workbook()
    book.active.title = "问题清单"
    book.active.append(["文件", "规则", "说明"])
    book.create_sheet("汇总").append(["文件", "错误"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def portal(*, with_report: bool = True) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        if with_report:
            z.writestr("癸县/甲局.txt", report_text("癸县甲局", 2024))
        z.writestr("癸县/甲局.expected.txt", LISTING)
        z.writestr("癸县/乙局.expected.txt", LISTING)
        z.writestr("上次/甲局.审阅.txt", EARLIER_TEXT)
        z.writestr("上次/问题清单.xlsx", findings_workbook())
        z.writestr("README.txt", README)
        z.writestr("通知.txt", NOTICE)
    return out.getvalue()


@pytest.fixture
def client(tmp_path):
    with TestClient(make_app(tmp_path)) as c:
        yield c


def test_a_zip_of_a_report_among_listings_outputs_and_notes_reviews_only_the_report(client):
    r = client.post("/batch", files=[("files", ("癸县.zip", portal(), "application/zip"))], follow_redirects=False)
    assert r.status_code == 303
    url = r.headers["location"]
    assert finish(client, url) == {"total": 1, "done": 1, "finished": True}
    page = client.get(url).text
    assert page.count('href="/reviews/') == 1 and "共 1 个文件" in page
    hint = "（要审阅时单独上传该文件）"
    skipped = re.findall(r"data-skipped>([^<]*)<", page)
    assert skipped == [
        f"已跳过 2 个问题清单（每行以规则代码开头，如样例的 *.expected.txt），如 甲局.expected.txt{hint}",
        f"已跳过 2 个以前的审阅结果（审阅意见 Word、问题清单或汇总 Excel、文字、Markdown、网页或 JSON 结果、基线文件），如 甲局.审阅.txt{hint}",
        f"已跳过 1 个说明文件（README 等，无表格）：README.txt{hint}",
        f"已跳过 1 个既无表格也无绩效报告用语的文本：通知.txt{hint}",
    ]


def test_a_zip_holding_no_report_stays_on_the_form_and_says_what_it_skipped(client):
    r = client.post("/batch", files=[("files", ("旧材料.zip", portal(with_report=False), "application/zip"))])
    assert r.status_code == 400
    assert "已跳过 2 个问题清单" in r.text and "已跳过 1 个说明文件（README 等，无表格）：README.txt" in r.text


def test_a_listing_uploaded_on_its_own_is_reviewed(client):
    # As a file named on the command line: the user chose it.
    files = [("files", ("甲局.expected.txt", LISTING.encode(), "text/plain")),
             ("files", ("甲局.txt", report_text("癸县甲局", 2024).encode(), "text/plain"))]
    r = client.post("/batch", files=files, follow_redirects=False)
    assert finish(client, r.headers["location"])["total"] == 2
    assert "已跳过" not in client.get(r.headers["location"]).text


def test_the_command_line_names_a_readme_inside_an_archive_as_one(tmp_path):
    archive = tmp_path / "癸县.zip"
    archive.write_bytes(portal())
    skipped: list = []
    sources = collect([str(archive)], tmp_path / "scratch", skipped=skipped)
    assert [s.display.split("!")[1] for s in sources] == ["癸县/甲局.txt"]
    assert {s.display.split("!")[1]: s.kind for s in skipped} == {
        "癸县/甲局.expected.txt": "listing",
        "癸县/乙局.expected.txt": "listing",
        "上次/甲局.审阅.txt": "output",
        "上次/问题清单.xlsx": "output",
        "README.txt": "readme",
        "通知.txt": "text",
    }
