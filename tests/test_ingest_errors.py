"""Damaged packages that python-docx fails on in unusual ways still give one clean reason."""

import io
import zipfile

import pytest
from docx import Document as WordDocument

from reviewer.errors import InputError
from reviewer.ingest import load_bytes


def test_docx_with_broken_content_types_is_a_clean_input_error():
    buf = io.BytesIO()
    WordDocument().save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = b"<Types xmlns='http://schemas.openxmlformats.org/package/2006/content-types'/>"
            z.writestr(item, data)
    with pytest.raises(InputError) as err:
        load_bytes(out.getvalue(), "broken.docx", ".docx")
    assert str(err.value) == "broken.docx: 不是有效的 .docx 文件（文件损坏或被截断）"
