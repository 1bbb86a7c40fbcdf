"""The format-neutral Document: ordered paragraphs and tables with source locations.

Every ingester (text, docx, xlsx, pdf) produces this model and nothing
domain-specific; extraction reads only this.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Annotated, Any, Literal, Union

# The types are plain dataclasses, built by the thousand for every review without validation:
# pydantic (and its import) is paid only where JSON is read back (reviewer.jsonio).


@dataclass(kw_only=True, slots=True)
class Location:
    """Where a thing is in the source document."""

    block: int | None = None  # index into Document.blocks
    table: int | None = None  # index among the document's tables
    row: int | None = None  # 0-based row inside the table
    col: int | None = None  # 0-based cell ordinal inside the row
    start: int | None = None  # char offset inside the paragraph / cell text
    end: int | None = None
    page: int | None = None  # 1-based page (pdf) or sheet ordinal (xlsx)
    line: int | None = None  # 1-based line of a text input, or row of the sheet as Excel numbers it (xlsx)
    sheet: str | None = None  # sheet name (xlsx)
    label: str = ""  # human description, filled in by extraction

    def with_span(self, start: int, end: int) -> "Location":
        """Return a copy narrowed to the characters ``start:end`` of the text."""
        copy = self._copy()
        copy.start, copy.end = start, end
        return copy

    def with_label(self, label: str) -> "Location":
        """Return a copy carrying a human-readable label."""
        copy = self._copy()
        copy.label = label
        return copy

    def replaced(self, **changes: int | str | None) -> "Location":
        """A copy with ``changes`` (field name -> value of the field's type), like ``dataclasses.replace``."""
        copy = self._copy()
        for name, value in changes.items():
            setattr(copy, name, value)
        return copy

    def _copy(self) -> "Location":
        """A copy of every field.

        Extraction labels every figure and cell it reads: the slots are copied
        in one assignment instead of through ``__init__`` with keywords, which
        is what ``dataclasses.replace`` does at about three times the cost;
        the two copies made most (a label, a span) set their fields directly
        rather than through keywords and ``setattr``, at less than half the
        cost again.
        """
        copy = object.__new__(Location)
        (copy.block, copy.table, copy.row, copy.col, copy.start, copy.end, copy.page, copy.line, copy.sheet, copy.label) = (
            self.block, self.table, self.row, self.col, self.start, self.end, self.page, self.line, self.sheet, self.label
        )
        return copy


def row_place(loc: Location) -> str:
    """"表3 第5行": the table's ordinal in the document and the row counted from the table's top, headers included.

    That is how a reader finds a row in Word; a form printed as several tables
    names each one, so its row numbers never seem to restart. In a workbook
    the place is the sheet and the row Excel shows: "工作表「自评表」第12行".
    """
    if loc.sheet is not None and loc.line is not None:
        return f"工作表「{loc.sheet}」第{loc.line}行"
    # Keyed by the table and row alone: a text input's cells each have a line of their own, which in the
    # key would make every cell a miss.
    return _row_place(loc.table, loc.row)


@lru_cache(maxsize=4096)  # asked for every cell a review labels: a row's cells share it
def _row_place(table: int | None, row: int | None) -> str:
    place = f"第{row + 1}行" if row is not None else ""
    return f"表{table + 1} {place}".rstrip() if table is not None else place


@dataclass(kw_only=True, slots=True)
class Cell:
    """One table cell; a merged cell appears once, at its top-left position."""

    text: str
    row: int
    col: int  # ordinal among the row's cells (what a text export preserves)
    grid_col: int | None = None  # column in the layout grid, when the format knows it
    colspan: int = 1
    rowspan: int = 1
    continued: bool = False  # continuation of a vertical merge (shown empty)
    loc: Location


@dataclass(kw_only=True, slots=True)
class Paragraph:
    """A run of narrative text outside tables."""

    kind: Literal["paragraph"] = "paragraph"
    text: str
    style: str | None = None  # e.g. "Heading 1" when the format says so
    loc: Location


@dataclass(kw_only=True, slots=True)
class Table:
    """A table: rows of cells in reading order."""

    kind: Literal["table"] = "table"
    index: int
    rows: list[list[Cell]]
    loc: Location

    def texts(self, row: int) -> list[str]:
        """Texts of the cells of one row."""
        return [c.text for c in self.rows[row]]


class _ByKind:
    """Tells pydantic, when it reads a Block back from JSON, to choose Paragraph or Table by ``kind``.

    (The errors name the tag, as they did when these were pydantic models.)
    The method is called only while pydantic builds a schema: this module
    itself never imports pydantic.
    """

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        """The schema of ``source`` (the Union) as a union discriminated by ``kind``."""
        from pydantic import Field

        return handler.generate_schema(Annotated[source, Field(discriminator="kind")])


Block = Annotated[Union[Paragraph, Table], _ByKind()]


@dataclass(kw_only=True, slots=True)
class Document:
    """An ingested file: its blocks in document order and where it came from."""

    path: str
    sha256: str
    format: str  # text-cells | text-tsv | text-markdown | docx | xlsx | pdf
    blocks: list[Block] = field(default_factory=list)
    # What the reader could not read as the author sees it (Chinese, one line each), e.g. a
    # formula saved without its value that could not be computed; empty for most files.
    warnings: list[str] = field(default_factory=list)

    @property
    def tables(self) -> list[Table]:
        """All tables in order."""
        return [b for b in self.blocks if isinstance(b, Table)]

    @property
    def paragraphs(self) -> list[Paragraph]:
        """All paragraphs in order."""
        return [b for b in self.blocks if isinstance(b, Paragraph)]
