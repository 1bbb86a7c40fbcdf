"""JSON output in the documented shape (schema_version 1)."""

from __future__ import annotations

import json

from reviewer.finding import Review


def render_json(reviews: list[Review], single: bool) -> str:
    """One object for a single input, a list for several."""
    data = [r.to_json_dict() for r in reviews]
    return json.dumps(data[0] if single else data, ensure_ascii=False, indent=2) + "\n"
