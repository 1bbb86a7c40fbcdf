"""One report (lines of text and tables) written in every format a table arrives in, for reading tests.

A table is a list of rows of cell texts; ``UP`` in a cell means "merged with
the cell above" (a vMerge in Word, a merged range in Excel, an empty cell in
text), ``LEFT`` "merged with the cell to its left" (a gridSpan in Word, a
merged range in Excel, an empty cell in tab-separated text and markdown, no
cell at all in Word's text export, which writes a merged cell once). Formats: Word's text export (cell-per-line), tab-separated text,
markdown, .docx and .xlsx.
"""

from __future__ import annotations

from pathlib import Path

from reviewer.extract import extract
from reviewer.ingest import load
from reviewer.report import Report
from reviewer.rules import run_rules
from tests.reports import table as word_table

UP = "\x00up"
LEFT = "\x00left"
FORMATS = ("word.txt", "tsv.txt", "md", "docx", "xlsx")

Part = str | list[list[str]]  # a line of text, or a table


def _plain(rows: list[list[str]]) -> list[list[str]]:
    return [["" if c in (UP, LEFT) else c for c in row] for row in rows]


def _collapsed(rows: list[list[str]]) -> list[list[str]]:
    """Rows as Word's text export writes them: a cell merged across columns once."""
    return _plain([[c for c in row if c != LEFT] for row in rows])


def _markdown(rows: list[list[str]]) -> str:
    rows = _plain(rows)
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows[1:]]) + "\n\n"


def _docx(parts: list[Part], path: Path) -> None:
    import docx

    document = docx.Document()
    for part in parts:
        if isinstance(part, str):
            document.add_paragraph(part)
            continue
        grid = document.add_table(rows=len(part), cols=len(part[0]))
        grid.style = "Table Grid"
        for r, row in enumerate(part):
            for c, text in enumerate(row):
                if text not in (UP, LEFT):
                    grid.cell(r, c).text = text
        for r, row in enumerate(part):
            for c, text in enumerate(row):
                if text == LEFT and (c + 1 == len(row) or row[c + 1] != LEFT):
                    first = c
                    while row[first] == LEFT:
                        first -= 1
                    grid.cell(r, first).merge(grid.cell(r, c))
                    grid.cell(r, first).text = row[first]
        for r, row in enumerate(part):
            for c, text in enumerate(row):
                if text == UP:
                    top = r
                    while part[top][c] == UP:
                        top -= 1
                    grid.cell(top, c).merge(grid.cell(r, c))
                    grid.cell(top, c).text = part[top][c]
        document.add_paragraph("")
    document.save(str(path))


def _xlsx(parts: list[Part], path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "自评表"
    for part in parts:
        if isinstance(part, str):
            sheet.append([part])
            continue
        first = sheet.max_row + 1
        for row in part:
            sheet.append(["" if c in (UP, LEFT) else c for c in row])
        for r, row in enumerate(part):
            for c, text in enumerate(row):
                if text == UP and (r + 1 == len(part) or part[r + 1][c] != UP):
                    top = r
                    while part[top][c] == UP:
                        top -= 1
                    sheet.merge_cells(start_row=first + top, start_column=c + 1, end_row=first + r, end_column=c + 1)
                if text == LEFT and (c + 1 == len(row) or row[c + 1] != LEFT):
                    left = c
                    while row[left] == LEFT:
                        left -= 1
                    sheet.merge_cells(start_row=first + r, start_column=left + 1, end_row=first + r, end_column=c + 1)
    book.save(str(path))


def write(parts: list[Part], fmt: str, folder: Path) -> Path:
    """The report in one of FORMATS, as a file in ``folder``; ``UP`` may not stand in a table's first row, nor ``LEFT`` first in a row."""
    assert all(UP not in part[0] and all(row[0] != LEFT for row in part) for part in parts if not isinstance(part, str))
    path = folder / f"report.{fmt}"
    if fmt == "docx":
        _docx(parts, path)
    elif fmt == "xlsx":
        _xlsx(parts, path)
    else:
        text = ""
        for part in parts:
            if isinstance(part, str):
                text += part + "\n"
            elif fmt == "word.txt":
                text += word_table(_collapsed(part))
            elif fmt == "tsv.txt":
                text += "\n".join("\t".join(r) for r in _plain(part)) + "\n\n"
            else:
                text += _markdown(part)
        path.write_text(text, encoding="utf-8")
    return path


def review(parts: list[Part], fmt: str, folder: Path) -> tuple[Report, list]:
    """The report read from the file of one format, and its findings."""
    report = extract(load(write(parts, fmt, folder)))
    return report, run_rules(report)


def lines(findings, severity: str | None = None) -> list[str]:
    """"CODE message" for each finding (of one severity)."""
    return [f"{f.rule} {f.message}" for f in findings if severity is None or f.severity == severity]
