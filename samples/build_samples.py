"""Build the binary samples (.docx, .xlsx, .pdf) from a cell-per-line text report.

Run from the repository root: ``python -m samples.build_samples``. It writes
samples/hunan_department.docx, .xlsx and .pdf from samples/hunan_department.txt.

A text export loses the table geometry, so it is rebuilt the way Word forms
are laid out:

- a row with fewer cells than the table's widest row has its last cell
  spanning the remaining grid columns (gridSpan / a merged range);
- an empty cell directly below a filled (or already merged) cell, in the first
  column or in the 一级指标 column of an indicator block, continues a vertical
  merge (vMerge / a merged range), as 绩效指标, 一级指标 and the funds and
  goal labels are merged in the real forms.

Tests import :func:`text_to_docx` to rebuild other text reports as .docx.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from reviewer.document import Document, Paragraph, Table
from reviewer.extract.parts import title_kind
from reviewer.ingest import sha256_of
from reviewer.ingest.text import read_text_bytes

SAMPLES = Path(__file__).resolve().parent
_ATTACHMENT = re.compile(r"^附件\s*[一二三四五六七八九十\d]+\s*$")
_NUMBER = re.compile(r"^(\d+)(?:\.(\d+))?(%?)$")
# Fixed document dates so rebuilding does not change the metadata.
_FIXED_DATE = datetime(2025, 6, 18, 9, 0, 0)


@dataclass
class Slot:
    """One cell of the rebuilt grid: its text, first grid column, span, and vertical merge state."""

    text: str
    grid: int
    span: int
    merge: str | None = None  # None, "restart" or "continue"


def read_text_report(text_path: str | Path) -> Document:
    """Read a text report (any of the three text layouts) into a Document."""
    path = Path(text_path)
    data = path.read_bytes()
    return read_text_bytes(data, str(path), sha256_of(data))


def table_layout(table: Table) -> list[list[Slot]]:
    """The grid of a text table: horizontal spans and vertical merges reconstructed."""
    width = max(len(row) for row in table.rows)
    layout: list[list[Slot]] = []
    for row in table.rows:
        slots = [Slot(text=cell.text, grid=i, span=1) for i, cell in enumerate(row)]
        if slots:
            last = slots[-1]
            last.span = width - last.grid
        layout.append(slots)
    merge_columns: list[set[int]] = [{0} for _ in layout]
    level1: int | None = None
    for r, slots in enumerate(layout):
        texts = [re.sub(r"\s+", "", s.text) for s in slots]
        if "一级指标" in texts:
            level1 = texts.index("一级指标")
        elif len(slots) < width:
            level1 = None  # the 总分 row (or any short row) ends the indicator block
        if level1 is not None:
            merge_columns[r].add(level1)
    for r in range(1, len(layout)):
        for slot in layout[r]:
            if slot.grid not in merge_columns[r] or slot.text.strip():
                continue
            above = next((s for s in layout[r - 1] if s.grid == slot.grid), None)
            if above is None or above.span != slot.span:
                continue
            if above.text.strip() or above.merge is not None:
                above.merge = above.merge or "restart"
                slot.merge = "continue"
    return layout


def column_widths(layout: list[list[Slot]], width: int, total: int) -> list[int]:
    """Grid column widths (EMU) shared out by the longest line of the single-column cells, capped."""
    need = [2] * width
    for slots in layout:
        for slot in slots:
            if slot.span == 1:
                longest = max((len(line.strip()) for line in slot.text.split("\n")), default=0)
                need[slot.grid] = max(need[slot.grid], min(longest, 10) + 1)
    share = sum(need)
    return [int(total * n / share) for n in need]


def _write_cell_text(cell, text: str) -> None:
    """Put text in a Word cell, one paragraph per line."""
    lines = text.split("\n")
    cell.text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


def text_to_docx(text_path: str | Path, out_path: str | Path) -> Path:
    """Rebuild a text report as a .docx with real merged cells; return the output path."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = read_text_report(text_path)
    word = docx.Document()
    normal = word.styles["Normal"]
    normal.font.size = Pt(10.5)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    word.core_properties.created = _FIXED_DATE
    word.core_properties.modified = _FIXED_DATE
    section = word.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    text_width = section.page_width - section.left_margin - section.right_margin
    for block in document.blocks:
        if isinstance(block, Paragraph):
            paragraph = word.add_paragraph(block.text)
            if _ATTACHMENT.match(block.text.strip()):
                paragraph.paragraph_format.page_break_before = True
            continue
        layout = table_layout(block)
        width = max(s.grid + s.span for row in layout for s in row)
        grid = word.add_table(rows=len(layout), cols=width)
        grid.style = "Table Grid"
        grid.autofit = False
        widths = column_widths(layout, width, text_width)
        for c, column in enumerate(grid.columns):
            column.width = widths[c]
        for r, slots in enumerate(layout):
            for slot in slots:
                if slot.span > 1:
                    grid.cell(r, slot.grid).merge(grid.cell(r, slot.grid + slot.span - 1))
        for r, slots in enumerate(layout):
            for slot in slots:
                if slot.merge == "restart":
                    end = r
                    while end + 1 < len(layout) and any(
                        s.grid == slot.grid and s.merge == "continue" for s in layout[end + 1]
                    ):
                        end += 1
                    grid.cell(r, slot.grid).merge(grid.cell(end, slot.grid + slot.span - 1))
        for r, slots in enumerate(layout):
            for slot in slots:
                cell = grid.cell(r, slot.grid)
                cell.width = sum(widths[slot.grid : slot.grid + slot.span])
                if slot.merge != "continue":
                    _write_cell_text(cell, slot.text)
    out = Path(out_path)
    word.save(out)
    return out


def _sheet_groups(document: Document) -> list[tuple[list[str], Table | None, list[str]]]:
    """Split the blocks into sheets: paragraphs above a table, the table, its notes below.

    Paragraphs after a table stay below it until a part title or "附件…" line,
    which opens the next sheet; paragraphs after the last table form their own sheet.
    """
    groups: list[tuple[list[str], Table | None, list[str]]] = []
    above: list[str] = []
    current: tuple[list[str], Table | None, list[str]] | None = None
    for block in document.blocks:
        if isinstance(block, Table):
            current = (above, block, [])
            groups.append(current)
            above = []
            continue
        text = block.text
        opens_next = bool(_ATTACHMENT.match(text.strip()) or title_kind(text))
        if current is not None and not above and not opens_next:
            current[2].append(text)
        else:
            above.append(text)
            current = None
    if above:
        groups.append((above, None, []))
    return groups


def _excel_value(text: str):
    """A cell's text as Excel would hold it: numbers as numbers with a format showing the same digits."""
    m = _NUMBER.match(text.strip())
    if not m:
        return text, None
    whole, fraction, percent = m.group(1), m.group(2) or "", m.group(3)
    value = Decimal(f"{whole}.{fraction}" if fraction else whole)
    places = len(fraction)
    if percent:
        value /= 100
        fmt = "0" + ("." + "0" * places if places else "") + "%"
    else:
        fmt = "0." + "0" * places if places else "General"
    number = int(value) if value == value.to_integral_value() and not percent and not places else float(value)
    return number, fmt


def text_to_xlsx(text_path: str | Path, out_path: str | Path) -> Path:
    """Rebuild a text report as a .xlsx: one sheet per table with its title above and notes below."""
    import openpyxl
    from openpyxl.styles import Alignment

    document = read_text_report(text_path)
    book = openpyxl.Workbook()
    book.remove(book.active)
    book.properties.created = _FIXED_DATE
    book.properties.modified = _FIXED_DATE
    for n, (above, table, below) in enumerate(_sheet_groups(document), start=1):
        sheet = book.create_sheet(f"表{n}" if table is not None else "自评报告")
        layout = table_layout(table) if table is not None else []
        width = max((s.grid + s.span for row in layout for s in row), default=1)
        row = 1

        def paragraph(text: str) -> None:
            nonlocal row
            sheet.cell(row=row, column=1, value=text)
            if width > 1:
                sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
            row += 1

        for text in above:
            paragraph(text)
        top = row
        for r, slots in enumerate(layout):
            for slot in slots:
                if slot.merge == "continue":
                    continue
                value, fmt = _excel_value(slot.text)
                cell = sheet.cell(row=top + r, column=slot.grid + 1, value=value if slot.text else None)
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # "=56人" is a typed value, not a formula
                cell.alignment = Alignment(wrap_text=True, vertical="center")
                if fmt:
                    cell.number_format = fmt
                end_row = r
                if slot.merge == "restart":
                    while end_row + 1 < len(layout) and any(
                        s.grid == slot.grid and s.merge == "continue" for s in layout[end_row + 1]
                    ):
                        end_row += 1
                if slot.span > 1 or end_row > r:
                    sheet.merge_cells(
                        start_row=top + r,
                        start_column=slot.grid + 1,
                        end_row=top + end_row,
                        end_column=slot.grid + slot.span,
                    )
        row = top + len(layout)
        for text in below:
            paragraph(text)
    out = Path(out_path)
    book.save(out)
    return out


def docx_to_pdf(docx_path: str | Path, out_dir: str | Path) -> Path:
    """Convert a .docx to PDF with LibreOffice (soffice --headless); return the PDF path."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RuntimeError("LibreOffice is not installed: apt-get install -y libreoffice-writer-nogui")
    src = Path(docx_path).resolve()
    out = Path(out_dir).resolve()
    # A private profile: a shared one is locked while another soffice runs.
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out),
                str(src),
            ],
            check=True,
            capture_output=True,
            timeout=180,
            env={**os.environ, "HOME": profile},
        )
    pdf = out / (src.stem + ".pdf")
    if not pdf.exists():
        raise RuntimeError(f"LibreOffice did not write {pdf}")
    return pdf


def main() -> int:
    """Build hunan_department.docx, .xlsx and .pdf from hunan_department.txt."""
    source = SAMPLES / "hunan_department.txt"
    docx_path = text_to_docx(source, SAMPLES / "hunan_department.docx")
    xlsx_path = text_to_xlsx(source, SAMPLES / "hunan_department.xlsx")
    pdf_path = docx_to_pdf(docx_path, SAMPLES)
    for path in (docx_path, xlsx_path, pdf_path):
        print(path.relative_to(SAMPLES.parent))
    return 0


if __name__ == "__main__":
    sys.exit(main())
