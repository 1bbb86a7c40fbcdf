"""JSON of the core dataclasses (Review, Document, Report, Features) for caches, stores and ``extract``.

The types are plain dataclasses so that a review never imports pydantic; the
JSON that is read back (a batch cache, the web store) is outside input, and
is validated through pydantic, which loads with the first use (a batch whose
results are all fresh never reads JSON in its parent process). The process
a batch's workers are forked from builds the adapters they use (``prepare``),
so that they do not each load pydantic under their memory limit and build
them again.
The JSON written is pydantic's: fields in declaration order, Decimal as a
string.
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache
from typing import Any, TypeVar

from reviewer.document import Document, Paragraph, Table

T = TypeVar("T")


@lru_cache(maxsize=None)
def _adapter(kind: Any) -> Any:
    """The pydantic TypeAdapter of a type, built once per process (building Review's costs 0.1 s)."""
    from pydantic import TypeAdapter

    return TypeAdapter(kind)


def prepare(*kinds: type) -> None:
    """Build the adapters of ``kinds`` now, so that processes forked from this one start with them."""
    for kind in kinds:
        _adapter(kind)
        if kind is Document:  # whose blocks dump_json writes by their own types' adapters
            _adapter(Paragraph)
            _adapter(Table)


def dump_json(value: Any, indent: int | None = None) -> str:
    """``value`` (a dataclass of this package) as JSON text; a Document's fields that are None are left out.

    Every field of a Document's parts that may be None defaults to None, so
    its JSON reads back the same without them. Most of a cell's location is
    None, and a batch stores every report's Document: leaving them out makes
    a quarter less JSON to write, send to the batch's parent and compress.
    """
    if type(value) is Document and indent is None:
        return _document_json(value)
    return _adapter(type(value)).dump_json(value, indent=indent, exclude_none=type(value) is Document).decode()


def _document_json(document: Document) -> str:
    """``dump_json`` of a Document, its blocks written one by one by their own type's serializer.

    pydantic-core writes a value of the Block union (Paragraph or Table)
    about half as fast as the same value given its own type; the text is the
    same byte for byte (tests/test_jsonio.py). The rest of the Document is
    written by its own serializer, its blocks put in the place of an empty list.
    """
    shell = _adapter(Document).dump_json(dataclasses.replace(document, blocks=[]), exclude_none=True)
    blocks = b",".join(_adapter(type(block)).dump_json(block, exclude_none=True) for block in document.blocks)
    # Quotes inside JSON strings are escaped: the only unescaped '"blocks":[]' is the field itself.
    return shell.replace(b'"blocks":[]', b'"blocks":[' + blocks + b"]", 1).decode()


def load_json(kind: type[T], data: str | bytes) -> T:
    """An instance of ``kind`` read from JSON text; raises pydantic.ValidationError when the text does not fit it."""
    return _adapter(kind).validate_json(data)
