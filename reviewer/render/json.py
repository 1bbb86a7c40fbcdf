"""JSON output in the documented shape (schema_version 1)."""

from __future__ import annotations

import json
import sys
from typing import Any, Sequence

from reviewer.document import Document
from reviewer.finding import Review
from reviewer.render.layout import location_label


def render_json(reviews: list[Review], single: bool, documents: Sequence[Document | None] = ()) -> str:
    """One object for a single input, a list for several.

    With each review's Document (same order), a paragraph's ``loc.label`` names
    its section and first words, as the other outputs do, instead of "第N段".
    """
    data = []
    for number, review in enumerate(reviews):
        shown = review.to_json_dict()
        document = documents[number] if number < len(documents) else None
        if document is not None:
            for out, finding in zip(shown["findings"], review.sorted_findings()):
                for out_evidence, evidence in zip(out["evidence"], finding.evidence):
                    if evidence.loc is not None:
                        out_evidence["loc"]["label"] = location_label(evidence.loc, document)
        data.append(shown)
    return dumps(data[0] if single else data) + "\n"


def dumps(data: Any) -> str:
    """``json.dumps(data, ensure_ascii=False, indent=2)`` of plain JSON data (no floats), by the fastest encoder at hand.

    With an indent, the json module encodes in pure Python; pydantic's
    serializer writes the same text (same separators, escapes and key
    order; they differ only in how floats are spelled, and the review JSON
    has none) about five times faster. It is used where pydantic is loaded
    already (the batch's workers, the web app); a one-off command does not
    load it (about 60 ms) for this.
    """
    core = sys.modules.get("pydantic_core")
    if core is None:
        return json.dumps(data, ensure_ascii=False, indent=2)
    return core.to_json(data, indent=2).decode("utf-8")
