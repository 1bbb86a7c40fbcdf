"""JSON output in the documented shape (schema_version 1)."""

from __future__ import annotations

import json
from typing import Sequence

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
    return json.dumps(data[0] if single else data, ensure_ascii=False, indent=2) + "\n"
