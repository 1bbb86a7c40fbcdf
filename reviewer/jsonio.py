"""JSON of the core dataclasses (Review, Document, Report, Features) for caches, stores and ``extract``.

The types are plain dataclasses so that a review never imports pydantic; the
JSON that is read back (a batch cache, the web store) is outside input, and
is validated through pydantic. Only the batch, the web app and ``extract
--format json`` import this module: the batch's fork server imports pydantic
with it, so that its workers do not each load it under their memory limit.
The JSON written is pydantic's: fields in declaration order, Decimal as a
string.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, TypeVar

from pydantic import TypeAdapter

T = TypeVar("T")


@lru_cache(maxsize=None)
def _adapter(kind: Any) -> Any:
    """The pydantic TypeAdapter of a type, built once per process (building one costs milliseconds)."""
    return TypeAdapter(kind)


def dump_json(value: Any, indent: int | None = None) -> str:
    """``value`` (a dataclass of this package) as JSON text."""
    return _adapter(type(value)).dump_json(value, indent=indent).decode()


def load_json(kind: type[T], data: str | bytes) -> T:
    """An instance of ``kind`` read from JSON text; raises pydantic.ValidationError when the text does not fit it."""
    return _adapter(kind).validate_json(data)
