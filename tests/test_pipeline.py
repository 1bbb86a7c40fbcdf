"""Tests for reviewer.pipeline: the review leaves the process as it found it."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from reviewer.ingest import load
from reviewer.pipeline import collector_paused, review_document

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "hunan_department.txt"


def test_a_review_pauses_the_collector_and_starts_it_again():
    seen: list[bool] = []
    with collector_paused():
        seen.append(gc.isenabled())
    assert seen == [False] and gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("a failing review")
    assert gc.isenabled()
    review, _ = review_document(load(SAMPLE))
    assert review.findings and gc.isenabled()


def test_a_collector_the_caller_stopped_stays_stopped():
    gc.disable()
    try:
        review_document(load(SAMPLE))
        assert not gc.isenabled()
    finally:
        gc.enable()
