"""TEXT001: one finding per kind of template residue in one place, with every location; figures with fixed meanings."""

from __future__ import annotations

from pathlib import Path

from reviewer.pipeline import review_path
from tests.test_rules import clean, findings_of
from tests.reports import full_narrative


def test_three_residue_lines_of_one_list_are_one_finding_with_three_locations():
    body = "（一）加强预算管理××。\n（二）××落实整改。\n（三）××××完善制度。"
    (finding,) = findings_of(clean(narrative=full_narrative({"八、下一步改进措施": body})), "TEXT001")
    assert finding.message.endswith("存在模板残留“××”（共3处）")
    assert len(finding.evidence) == 3 and len({e.loc.block for e in finding.evidence}) == 3
    assert finding.suggestion


def test_residues_of_another_kind_or_place_stay_separate():
    text = clean(narrative=full_narrative({"八、下一步改进措施": "××单位（每个专项一行）", "十、其他需要说明的情况": "××"}))
    messages = sorted(f.message for f in findings_of(text, "TEXT001"))
    assert len(messages) == 3 and sum("“××”" in m for m in messages) == 2


def test_the_checked_against_figure_says_what_it_is():
    samples = Path(__file__).resolve().parents[1] / "samples"
    review, _ = review_path(samples / "hunan_department.txt")
    basis = {f.rule: f.basis for f in review.findings}
    assert basis["SUM001"] == "computed"  # the items' sum
    assert basis["XREF001"] == "compared" and basis["XREF003"] == "compared"  # the same figure elsewhere
    assert basis["SCORE007"] == "required" and basis["IND002"] == "required"  # what the rules ask for
