"""JSON read back (batch caches, the web store) is validated: the dataclasses refuse what the pydantic models refused, with the same messages."""

from __future__ import annotations

import dataclasses
import json
import typing
from pathlib import Path

import pytest
from pydantic import TypeAdapter, ValidationError
from tests.render_helpers import sample_document, sample_review

from reviewer.crosscheck import Features, features_of
from reviewer.document import Cell, Document, Location, Paragraph, Table
from reviewer.errors import validation_problems
from reviewer.extract import extract
from reviewer.finding import Review
from reviewer.ingest import load
from reviewer.jsonio import dump_json, load_json

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
LOC = {"block": 1}


def problems(kind: type, data: object) -> str:
    """The one-line problem list of JSON that ``kind`` refuses."""
    with pytest.raises(ValidationError) as caught:
        load_json(kind, data if isinstance(data, str) else json.dumps(data))
    return validation_problems(caught.value)


def test_review_document_and_features_come_back_equal():
    document = load(SAMPLES / "hunan_department.docx")
    features = features_of(extract(document))
    review = sample_review()
    assert review.findings and review.rejected and document.tables and features.texts and features.basic
    for value in (document, review, features, sample_document()):
        assert load_json(type(value), dump_json(value)) == value


@pytest.mark.parametrize("name", ["hunan_department.docx", "hunan_department.pdf", "hunan_department.xlsx", "hunan_department.txt"])
def test_a_document_is_written_without_its_none_fields_and_reads_back_equal(name):
    document = load(SAMPLES / name)
    text = dump_json(document)
    assert "null" not in text and '"kind":"table"' in text
    assert load_json(Document, text) == document
    # Written block by block (faster), it is what pydantic writes of the whole Document.
    assert text == TypeAdapter(Document).dump_json(document, exclude_none=True).decode()


def test_every_document_field_that_may_be_none_defaults_to_none():
    # What lets a Document's JSON leave its None fields out (jsonio.dump_json).
    optional = [
        (kind, field)
        for kind in (Document, Paragraph, Table, Cell, Location)
        for field in dataclasses.fields(kind)
        if type(None) in typing.get_args(typing.get_type_hints(kind)[field.name])
    ]
    assert len(optional) >= 11  # Location's place fields, a cell's grid column, a paragraph's style
    for kind, field in optional:
        assert field.default is None, f"{kind.__name__}.{field.name}"


def test_json_read_back_is_coerced_as_the_models_did():
    data = {"document": {"path": "a.docx", "sha256": "x", "year": "2024"},
            "findings": [{"rule": "SUM001", "severity": "error", "category": "arithmetic", "message": "m",
                          "evidence": [{"quote": "q", "loc": {"block": "3"}}]}]}
    review = load_json(Review, json.dumps(data))
    assert review.document.year == 2024 and review.findings[0].evidence[0].loc.block == 3
    # A finding read without id or suggestion gets them, as one built in a review does.
    assert review.findings[0].id.startswith("SUM001-") and review.findings[0].suggestion


def test_malformed_reviews_are_refused_naming_the_field():
    finding = {"rule": "SUM001", "severity": "fatal", "category": "arithmetic", "message": "m"}
    assert problems(Review, {"document": {"path": "a.docx", "sha256": "x"}, "findings": [finding]}) == (
        "findings.0.severity: Input should be 'error', 'warning' or 'info'"
    )
    assert problems(Review, {"document": {"path": "a.docx"}}) == "document.sha256: Field required"
    assert problems(Review, {"document": {"path": "a", "sha256": "x", "year": "二〇二四"}}) == (
        "document.year: Input should be a valid integer, unable to parse string as an integer"
    )
    assert problems(Review, "{not json") == "根对象: Invalid JSON: key must be a string at line 1 column 2"


def test_a_document_block_is_told_by_its_kind():
    figure = {"path": "a", "sha256": "b", "format": "docx", "blocks": [{"kind": "figure", "text": "t", "loc": LOC}]}
    assert problems(Document, figure) == (
        "blocks.0: Input tag 'figure' found using 'kind' does not match any of the expected tags: 'paragraph', 'table'"
    )
    cell = {"text": "x", "row": 0, "col": "a", "loc": LOC}
    table = {"path": "a", "sha256": "b", "format": "docx",
             "blocks": [{"kind": "table", "index": 0, "rows": [[cell]], "loc": LOC}]}
    assert problems(Document, table) == "blocks.0.table.rows.0.0.col: Input should be a valid integer, unable to parse string as an integer"


def test_a_features_quantity_must_hold_a_number():
    basic = {"line": "l", "column": "c", "quantity": {"raw": "1", "value": "abc"}, "loc": LOC}
    assert problems(Features, {"path": "a", "basic": [basic]}) == "basic.0.quantity.value: Input should be a valid decimal"
