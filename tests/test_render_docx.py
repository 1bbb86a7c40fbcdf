"""Word comments: one per finding, anchored on exactly the quoted text, original untouched."""

from __future__ import annotations

import dataclasses
import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from tests.seeds import sample_texts, seed_params
from tests.render_helpers import (
    HOSTILE,
    NARRATIVE,
    NOTE,
    TITLE,
    build_sample_docx,
    docx_from_document,
    located,
    read_comments,
    sample_document,
    sample_review,
)

from reviewer.document import Document
from reviewer.errors import InputError
from reviewer.render.docx import render_docx
from reviewer.render.layout import located_evidence


def _by_code(review, comments):
    """Map each finding's rule code to its comment (codes are unique in the sample)."""
    found = {}
    for comment in comments.values():
        code = comment["text"].split("]")[0].lstrip("[")
        found[code] = comment
    assert len(found) == len(review.findings)
    return found


def _assert_anchored(review, comments):
    """Every located finding's comment covers text containing its first quote."""
    by_code = _by_code(review, comments)
    for finding in located(review):
        quote = next(e.quote for e in finding.evidence if e.loc)
        assert quote in by_code[finding.rule]["anchor"], (finding.rule, by_code[finding.rule]["anchor"])


def test_original_docx_gets_one_comment_per_finding_on_the_quote():
    source = build_sample_docx()
    review = sample_review()
    out = render_docx(review, sample_document(), source)
    comments = read_comments(out)
    assert len(comments) == len(review.findings)
    _assert_anchored(review, comments)
    by_code = _by_code(review, comments)
    # Spans cover exactly the quote even when it straddles runs.
    assert by_code["C201"]["anchor"] == "471.28万元"
    assert by_code["N401"]["anchor"] == "政府性基金"
    assert by_code["A101"]["anchor"] == "471.28"
    assert by_code["F502"]["anchor"] == "第二段"
    assert by_code["X901"]["anchor"] == "<script>"
    assert by_code["I601"]["anchor"] == ""  # empty cell: a point comment inside it
    assert by_code["F501"]["anchor"] == TITLE  # unlocated: on the first block
    for comment in comments.values():
        assert comment["author"] == "绩效审阅" and comment["initials"] == "审"
    assert by_code["A101"]["text"] == "[A101] 项目支出执行数471.28万元高于预算426万元\n报告值：471.28\n计算值：≤426\n建议：核对执行数"
    assert "需人工复核" in by_code["N401"]["text"]
    assert "附件二 自评表 第3行「全年」" in by_code["C201"]["text"]  # the second evidence is named


def test_original_text_and_formatting_survive_run_splitting():
    source = build_sample_docx()
    out = render_docx(sample_review(), sample_document(), source)
    before, after = docx.Document(io.BytesIO(source)), docx.Document(io.BytesIO(out))
    assert [p.text for p in after.paragraphs] == [p.text for p in before.paragraphs]
    assert after.paragraphs[3].text == NARRATIVE
    bold = "".join(r.text for r in after.paragraphs[3].runs if r.bold)
    assert bold == "471基金安排支出，预算执行率为100%。"
    cells_before = [[c.text for c in row.cells] for row in before.tables[0].rows]
    assert [[c.text for c in row.cells] for row in after.tables[0].rows] == cells_before
    assert after.paragraphs[-1].text == "  " + HOSTILE


def test_sample_matches_what_the_docx_ingester_reads():
    """The hand-built Document follows the ingester's conventions, so the other tests are realistic."""
    pytest.importorskip("reviewer.ingest.docx", reason="docx 读取器尚未实现")
    from reviewer.ingest import load_bytes

    ingested = load_bytes(build_sample_docx(), "样例.docx", ".docx")
    expected = sample_document()
    assert [type(b).__name__ for b in ingested.blocks] == [type(b).__name__ for b in expected.blocks]
    for got, want in zip(ingested.blocks, expected.blocks):
        if hasattr(want, "rows"):
            strip = lambda t: [[(c.text, c.colspan, c.rowspan, c.continued) for c in row] for row in t.rows]  # noqa: E731
            assert strip(got) == strip(want)
        else:
            assert got.text == want.text
    review = sample_review()
    _assert_anchored(review, read_comments(render_docx(review, ingested, build_sample_docx())))


def test_input_file_is_not_modified(tmp_path):
    path = tmp_path / "样例.docx"
    path.write_bytes(build_sample_docx())
    before = path.read_bytes()
    render_docx(sample_review(str(path)), sample_document(path=str(path)), path.read_bytes())
    assert path.read_bytes() == before


def test_alignment_survives_a_block_the_ingester_did_not_report():
    """An ingester that skipped the title must not shift every comment by one block."""
    document = sample_document()
    shifted = dataclasses.replace(document, blocks=document.blocks[1:])
    for i, block in enumerate(shifted.blocks):
        block.loc.block = i
    review = sample_review()
    for finding in review.findings:
        for ev in finding.evidence:
            if ev.loc and ev.loc.block is not None:
                ev.loc = ev.loc.replaced(block=ev.loc.block - 1)
    comments = read_comments(render_docx(review, shifted, build_sample_docx()))
    _assert_anchored(review, comments)
    assert _by_code(review, comments)["F501"]["anchor"] == "一、部门基本情况"


def test_non_docx_input_is_rebuilt_with_merged_cells_and_comments():
    review = sample_review("样例.txt")
    out = render_docx(review, sample_document(fmt="text-cells", path="样例.txt"), None)
    comments = read_comments(out)
    _assert_anchored(review, comments)
    word = docx.Document(io.BytesIO(out))
    assert [p.text for p in word.paragraphs] == [TITLE, "一、部门基本情况", NARRATIVE, HOSTILE]
    assert word.paragraphs[0].style.name == "Heading 1"
    table = word.tables[0]
    assert table.cell(0, 1)._tc is table.cell(0, 2)._tc  # 预算数 spans two grid columns
    assert table.cell(1, 0).text == table.cell(2, 0).text == "项目支出"  # vertical merge
    assert table.cell(3, 1).text == NOTE
    xml = zipfile.ZipFile(io.BytesIO(out)).read("word/document.xml").decode()
    assert 'w:gridSpan w:val="2"' in xml and 'w:vMerge w:val="restart"' in xml


def test_findings_pointing_outside_the_document_fall_back_to_the_first_block():
    review = sample_review("样例.txt")
    review.findings[0].evidence[0].loc = review.findings[0].evidence[0].loc.replaced(block=99, table=7)
    comments = read_comments(render_docx(review, sample_document(fmt="text-cells"), None))
    assert _by_code(review, comments)["A101"]["anchor"] == TITLE


def test_empty_document_still_gets_its_comments():
    review = sample_review("空.txt")
    empty = Document(path="空.txt", sha256="0", format="text-cells", blocks=[])
    comments = read_comments(render_docx(review, empty, None))
    assert len(comments) == len(review.findings)


def test_legacy_word_bytes_are_rebuilt_instead_of_reopened():
    """A .doc read through LibreOffice is a docx Document whose source bytes are OLE2, not a package."""
    review = sample_review("样例.doc")
    out = render_docx(review, sample_document(path="样例.doc"), b"\xd0\xcf\x11\xe0" + b"\0" * 512)
    _assert_anchored(review, read_comments(out))
    assert [p.text for p in docx.Document(io.BytesIO(out)).paragraphs][0] == TITLE


def test_unreadable_original_is_an_input_error():
    with pytest.raises(InputError, match="样例.docx"):
        render_docx(sample_review(), sample_document(), b"PK\x03\x04 not a zip")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) 未安装，跳过转换检查")
def test_libreoffice_converts_output_and_sees_every_comment(tmp_path):
    review = sample_review()
    target = tmp_path / "commented.docx"
    target.write_bytes(render_docx(review, sample_document(), build_sample_docx()))
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "odt",
         "--outdir", str(tmp_path), str(target)],
        capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stderr
    content = zipfile.ZipFile(tmp_path / "commented.odt").read("content.xml").decode()
    assert content.count("<office:annotation ") + content.count("<office:annotation>") == len(review.findings)


# The samples whose every quote is text of the report (TEXT002 quotes a missing label such as 填表人).
ANCHORED = ("clean_department.txt", "hunan_department.txt", "markdown_report.md", "project_tables.tsv.txt")


@pytest.mark.parametrize("report", [p for p in sample_texts() if p.values[0].name in ANCHORED] + seed_params())
def test_text_report_rebuilt_as_docx_gets_anchored_comments(report, tmp_path):
    from reviewer.ingest import load
    from reviewer.pipeline import review_path

    rebuilt = tmp_path / (report.stem + ".docx")
    rebuilt.write_bytes(docx_from_document(load(report)))
    review, document = review_path(rebuilt)
    out = render_docx(review, document, rebuilt.read_bytes())
    docx.Document(io.BytesIO(out))  # opens
    comments = read_comments(out) if review.findings else {}
    assert len(comments) == len(review.findings)
    squash = lambda s: "".join(s.split())  # noqa: E731 - the rebuilt text may wrap differently
    # Comments are numbered in display order.
    for n, finding in enumerate(review.sorted_findings()):
        evidence = located_evidence(finding, document)
        if evidence and evidence[0].quote:
            assert squash(evidence[0].quote) in squash(comments[str(n)]["anchor"]), finding.rule


def test_every_comment_on_a_real_review_sits_on_the_cell_or_sentence_it_quotes():
    """The sample report through the whole pipeline: each comment's anchor is its finding's quoted text."""
    pipeline = pytest.importorskip("reviewer.pipeline", reason="reviewer.pipeline 尚未实现")
    source = Path(__file__).resolve().parents[1] / "samples" / "hunan_department.docx"
    review, document = pipeline.review_path(source)
    comments = list(read_comments(render_docx(review, document, source.read_bytes())).values())
    assert len(comments) == len(review.findings) >= 10
    squash = lambda text: "".join(text.split())  # noqa: E731 - Word keeps the spaces the ingester drops
    for finding in review.findings:
        comment = next(c for c in comments if c["text"].startswith(f"[{finding.rule}] {finding.message}\n"))
        where = located_evidence(finding, document)
        if not where or not where[0].quote.strip():
            continue
        quote = where[0].quote
        assert squash(quote) in squash(comment["anchor"]) or squash(comment["anchor"]) in squash(quote), (
            finding.rule, quote, comment["anchor"])
        assert comment["anchor"].strip(), finding.rule  # never an empty neighbour
    # A narrative-vs-table finding is commented on the sentence, not on the table cell.
    xref = next(f for f in review.findings if f.rule == "XREF003")
    comment = next(c for c in comments if c["text"].startswith(f"[XREF003] {xref.message}"))
    assert "346.75" in comment["anchor"] and "356.75" not in comment["anchor"]
