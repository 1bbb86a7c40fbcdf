"""Bounds of a PDF, checked with pdfium before pdfplumber reads it.

pdfplumber (pdfminer) builds a Python object for every character, some
0.3 ms and a kilobyte each, so a PDF of many pages or one huge page would
take minutes and gigabytes. pdfium counts pages and characters in C in a
fraction of a second, so the file is refused before that with the limit it
passed.
"""

from __future__ import annotations

from reviewer.errors import InputError

MAX_PAGES = 500  # a department report with every table attached has some 100
MAX_PAGE_CHARS = 20_000  # a dense A3 table page holds some 8,000
MAX_CHARS = 300_000  # the whole file; pdfplumber reads this many in about a minute


def check_pdf_bounds(data: bytes, name: str) -> None:
    """Raise InputError when the PDF has more than MAX_PAGES pages or more characters than allowed.

    A file pdfium cannot open is left to pdfplumber, which names what is wrong
    with it (damaged, encrypted).
    """
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError:
        return
    try:
        pages = len(pdf)
        if pages > MAX_PAGES:
            raise InputError(name, f"PDF 共 {pages} 页，超过 {MAX_PAGES} 页的上限")
        total = 0
        for number in range(pages):
            page = pdf[number]
            text = page.get_textpage()
            chars = text.count_chars()
            text.close()
            page.close()
            if chars > MAX_PAGE_CHARS:
                raise InputError(name, f"PDF 第 {number + 1} 页有 {chars} 个字符，超过每页 {MAX_PAGE_CHARS} 个字符的上限")
            total += chars
            if total > MAX_CHARS:
                raise InputError(name, f"PDF 的文字超过 {MAX_CHARS} 个字符的上限")
    except pypdfium2.PdfiumError:
        return
    finally:
        pdf.close()
