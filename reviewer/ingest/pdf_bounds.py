"""Bounds of a PDF, checked on pdfium's counts as its pages are read.

Each character becomes a Python dict and goes through the layout code of
pdf.py, so a PDF of many pages or one huge page would take minutes and
gigabytes. pdfium counts the pages, and each page's characters when it loads
the page's text, in C: the file is refused with the limit it passed before
more than one page over the limits has been read in Python.
"""

from __future__ import annotations

from reviewer.errors import InputError

MAX_PAGES = 500  # a department report with every table attached has some 100
MAX_PAGE_CHARS = 20_000  # a dense A3 table page holds some 8,000
MAX_CHARS = 300_000  # the whole file


def check_pages(pages: int, name: str) -> None:
    """Raise InputError when the PDF has more than MAX_PAGES pages."""
    if pages > MAX_PAGES:
        raise InputError(name, f"PDF 共 {pages} 页，超过 {MAX_PAGES} 页的上限")


def check_chars(chars: int, number: int, total: int, name: str) -> None:
    """Raise InputError when page ``number`` (from 1) has too many characters, or the pages so far (``total``) do.

    Counts are pdfium's: with the spaces and line ends it adds between words and lines.
    """
    if chars > MAX_PAGE_CHARS:
        raise InputError(name, f"PDF 第 {number} 页有 {chars} 个字符，超过每页 {MAX_PAGE_CHARS} 个字符的上限")
    if total > MAX_CHARS:
        raise InputError(name, f"PDF 的文字超过 {MAX_CHARS} 个字符的上限")
