"""The JSON output is the same text whichever encoder writes it: the json module's, or pydantic's where pydantic is loaded."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pydantic_core
import pytest

from reviewer.finding import Evidence, Finding, Rejected
from reviewer.pipeline import review_path
from reviewer.render.json import dumps, render_json

SAMPLES = sorted(
    p for p in (Path(__file__).resolve().parents[1] / "samples").iterdir()
    if p.suffix in {".txt", ".md", ".docx", ".xlsx", ".pdf"} and ".expected" not in p.name
)


def _without_pydantic(monkeypatch, func, *args):
    """``func(*args)`` as a process that never loaded pydantic runs it (the json module's encoder, dataclasses.asdict)."""
    with monkeypatch.context() as patch:
        patch.setitem(sys.modules, "pydantic_core", None)
        return func(*args)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_every_sample_renders_the_same_text_with_either_encoder(path, monkeypatch):
    review, document = review_path(path)
    assert "pydantic_core" in sys.modules
    fast = render_json([review], True, [document])
    plain = _without_pydantic(monkeypatch, render_json, [review], True, [document])
    assert fast == plain
    assert json.loads(fast)["document"]["path"] == review.document.path


def test_awkward_text_and_model_candidates_render_the_same(monkeypatch):
    review, document = review_path(SAMPLES[0])
    awkward = 'a "quote", a \\ backslash, tab\t, newline\n, bell\x07, DEL\x7f, 中文 and \u2028'
    review.findings.append(Finding(rule="TEST001", severity="info", category="form", message=awkward,
                                   evidence=[Evidence(quote=awkward)]))
    review.rejected.append(Rejected(candidate={"type": "claim", "claim": awkward, "value": "12.5", "pages": [1, 2], "none": None},
                                    reason="数值无法识别"))
    review.notes.append(awkward)
    fast = render_json([review, review], False, [document, None])
    plain = _without_pydantic(monkeypatch, render_json, [review, review], False, [document, None])
    assert fast == plain
    assert json.loads(fast)[0]["notes"][-1] == awkward


def test_dumps_is_json_dumps_with_an_indent_of_two():
    data = {"empty": [], "nested": {"list": [1, {"x": None, "y": True}], "dict": {}}, "text": "「引号」\r\n", "n": -3}
    assert dumps(data) == json.dumps(data, ensure_ascii=False, indent=2)
    assert pydantic_core.to_json(data, indent=2).decode() == dumps(data)
