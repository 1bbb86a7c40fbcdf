"""Bounds of a PDF, checked on pdfium's counts as its pages are read.

Each character becomes a Python dict and goes through the layout code of
pdf.py, so a PDF of many pages or one huge page would take minutes and
gigabytes. pdfium counts the pages, and each page's characters when it loads
the page's text, in C: the file is refused with the limit it passed before
more than one page over the limits has been read in Python. A page's ruling
lines are bounded too: the segments of its paths as they are read, the lines
once joined, before its cells are looked for.
"""

from __future__ import annotations

from reviewer.errors import InputError

MAX_PAGES = 500  # a department report with every table attached has some 100
MAX_PAGE_CHARS = 20_000  # a dense A3 table page holds some 8,000
MAX_CHARS = 300_000  # the whole file
# Ruling lines on a page once joined: cells are found by testing every vertical line against every
# horizontal one (5,000 lines take seconds); a dense A3 table page has some 200.
MAX_PAGE_LINES = 5_000
# Path segments read on a page (forms drawn many times count each time): each is read in Python.
MAX_PAGE_SEGMENTS = 200_000
# Points (1/72 inch) either way: the PDF format's own page-size limit. pdfium's text page grows with the
# page's area (a 600-byte PDF of one 10^9-point page took 270 MB to read, one of 2 x 10^9 points 510 MB).
MAX_PAGE_POINTS = 14_400


def check_pages(pages: int, name: str) -> None:
    """Raise InputError when the PDF has more than MAX_PAGES pages."""
    if pages > MAX_PAGES:
        raise InputError(name, f"PDF 共 {pages} 页，超过 {MAX_PAGES} 页的上限")


def check_size(width: float, height: float, number: int, name: str) -> None:
    """Raise InputError when page ``number`` (from 1) is wider or taller than MAX_PAGE_POINTS."""
    if max(width, height) > MAX_PAGE_POINTS:
        raise InputError(name, f"PDF 第 {number} 页的尺寸 {width:.0f}×{height:.0f} 磅，超过每边 {MAX_PAGE_POINTS} 磅（200 英寸）的上限")


def check_chars(chars: int, number: int, total: int, name: str) -> None:
    """Raise InputError when page ``number`` (from 1) has too many characters, or the pages so far (``total``) do.

    Counts are pdfium's: with the spaces and line ends it adds between words and lines.
    """
    if chars > MAX_PAGE_CHARS:
        raise InputError(name, f"PDF 第 {number} 页有 {chars} 个字符，超过每页 {MAX_PAGE_CHARS} 个字符的上限")
    if total > MAX_CHARS:
        raise InputError(name, f"PDF 的文字超过 {MAX_CHARS} 个字符的上限")


def check_lines(lines: int, number: int, name: str) -> None:
    """Raise InputError when page ``number`` (from 1) has more than MAX_PAGE_LINES ruling lines (joined)."""
    if lines > MAX_PAGE_LINES:
        raise InputError(name, f"PDF 第 {number} 页有 {lines} 条表格线，超过每页 {MAX_PAGE_LINES} 条的上限")


def check_segments(segments: int, number: int, name: str) -> None:
    """Raise InputError when page ``number`` (from 1) has drawn more than MAX_PAGE_SEGMENTS path segments so far."""
    if segments > MAX_PAGE_SEGMENTS:
        raise InputError(name, f"PDF 第 {number} 页的图形超过 {MAX_PAGE_SEGMENTS} 段线条的上限")
