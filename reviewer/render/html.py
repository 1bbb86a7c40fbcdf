"""HTML output: the document with every finding highlighted in place, and a clickable findings list.

``render_html`` writes one self-contained page (inline CSS and JS, no network).
``render_html_body`` is the same markup without the page wrapper, for the web
app, which loads ``html_assets()`` once. Everything taken from the input is
escaped; the script reads only data attributes, never input text as code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path

from reviewer.document import Document, Paragraph, Table
from reviewer.finding import SEVERITY_LABELS, SEVERITY_ORDER, Finding, Rejected, Review
from reviewer.render.layout import (
    Grid,
    block_index,
    category_label,
    cell_at,
    document_name,
    figures,
    finding_label,
    find_span,
    owning_cell,
    places,
    primary_evidence,
    settled,
    severity_label,
    table_grid,
    verification_label,
)

_SPECIAL = re.compile(r"[&<>\"']")  # what html.escape(quote=True) replaces


@dataclass
class _Hit:
    """One highlighted place of one finding: a char span, a whole block or a cell."""

    key: str  # the finding's element id
    severity: str
    message: str
    anchor: bool  # the place the finding is about carries its id
    tag: str = ""  # "3·SUM005": the finding's number in the list and its rule, shown at the anchor
    span: tuple[int, int] | None = None
    cell: tuple[int, int] | None = None


@lru_cache(maxsize=1)  # a batch worker writes a page per document: read the files once
def html_assets() -> tuple[str, str]:
    """The stylesheet and script the markup needs (the web app includes them once)."""
    static = Path(__file__).with_name("static")
    return (static / "review.css").read_text(encoding="utf-8"), (static / "review.js").read_text(encoding="utf-8")


def render_html(review: Review, document: Document, source_bytes: bytes | None = None) -> str:
    """A complete, self-contained HTML page for one review."""
    css, js = html_assets()
    title = f"审阅结果 · {document_name(review.document.path)}"
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"generator\" content=\"reviewer\">\n"  # tells a later batch over the folder this page is an output
        f"<title>{_e(title)}</title>\n<style>\nbody {{ margin: 0; }}\n{css}</style>\n</head>\n<body>\n"
        f"{render_html_body(review, document)}\n<script>\n{js}</script>\n</body>\n</html>\n"
    )


def render_html_body(review: Review, document: Document, id_prefix: str = "rv") -> str:
    """The marked-up document and the findings list, without <html> wrapper, CSS or JS."""
    findings = review.sorted_findings()
    keys = [f"{id_prefix}-f{n + 1}" for n in range(len(findings))]
    grids: dict[int, Grid] = {}  # per table block, laid out once
    hits = _hits(findings, keys, document, grids)
    anchored = {h.key for block in hits.values() for h in block if h.anchor}
    parts = [f'<div class="rv" data-rv id="{_e(id_prefix)}">', _header(review, findings)]
    parts.append('<div class="rv-main">')
    parts.append(f'<article class="rv-doc">{_document(document, hits, id_prefix, grids)}</article>')
    parts.append('<aside class="rv-side">')
    parts.append(_filters(findings))
    parts.append(_list(findings, keys, anchored, document))
    parts.append(_rejected(review.rejected))
    parts.append("</aside></div></div>")
    return "\n".join(parts)


def _e(text: object) -> str:
    """Escape text for element content and quoted attributes."""
    text = str(text)
    # Most cells and labels hold nothing to escape: one search instead of five replacements.
    return escape(text, quote=True) if _SPECIAL.search(text) else text


def _hits(findings: list[Finding], keys: list[str], document: Document, grids: dict[int, Grid]) -> dict[int, list[_Hit]]:
    """Highlighted places per block index; each finding's primary evidence (its sentence, if any) anchors it.

    The layout of a table a finding points into is kept in ``grids`` (by block index) for showing it.
    """
    out: dict[int, list[_Hit]] = {}
    for number, (finding, key) in enumerate(zip(findings, keys), start=1):
        primary = primary_evidence(finding, document)
        for raw in finding.evidence:
            index = block_index(raw.loc, document) if raw.loc else None
            if index is None:
                continue
            ev = settled(raw, document)
            block = document.blocks[index]
            hit = _Hit(key, finding.severity, f"{finding.rule} {finding.message}", anchor=raw is primary,
                       tag=f"{number}·{finding.rule}")
            if isinstance(block, Paragraph):
                hit.span = find_span(block.text, ev)
            elif cell_at(block, ev.loc) is not None:
                if index not in grids:
                    grids[index] = table_grid(block)
                hit.cell = owning_cell(block, grids[index], ev.loc.row, ev.loc.col)
            out.setdefault(index, []).append(hit)
    return out


def _worst(hits: list[_Hit]) -> str:
    """The most severe severity among hits."""
    return min((h.severity for h in hits), key=SEVERITY_ORDER.__getitem__)


def _mark_attrs(hits: list[_Hit], css: str = "") -> str:
    """Class and data attributes of an element, highlighted when ``hits`` is not empty."""
    if not hits:
        return f'class="{css}"' if css else ""
    ids = " ".join(dict.fromkeys(h.key for h in hits))
    tip = "\n".join(dict.fromkeys(h.message for h in hits))
    classes = f"{css} rv-hl rv-{_worst(hits)}".strip()
    return f'class="{classes}" data-f="{_e(ids)}" title="{_e(tip)}"'


def _anchors(hits: list[_Hit]) -> str:
    """Anchors carrying the ids of the findings that start here, each tagged with its number and rule code."""
    return "".join(
        f'<span class="rv-anchor" id="{_e(h.key)}"></span><sup class="rv-tag rv-{h.severity}" data-f="{_e(h.key)}">{_e(h.tag)}</sup>'
        for h in hits
        if h.anchor
    )


def _document(document: Document, hits: dict[int, list[_Hit]], id_prefix: str, grids: dict[int, Grid]) -> str:
    """All blocks as HTML; a table is laid out unless ``grids`` has its layout by block index."""
    out = []
    for index, block in enumerate(document.blocks):
        block_hits = hits.get(index, [])
        block_id = f"{id_prefix}-b{index}"
        if isinstance(block, Paragraph):
            out.append(_paragraph(block, block_hits, block_id))
        else:
            out.append(_table(block, block_hits, block_id, grids.get(index) or table_grid(block)))
    if not document.blocks:
        out.append('<p class="rv-empty">（文档没有可显示的内容）</p>')
    return "\n".join(out)


def _paragraph(block: Paragraph, hits: list[_Hit], block_id: str) -> str:
    """One paragraph with its spans marked; findings without a span mark the whole paragraph."""
    heading = block.style and (block.style.lower().startswith(("heading", "title")) or "标题" in block.style)
    css = "rv-p rv-heading" if heading else "rv-p"
    whole = [h for h in hits if h.span is None]
    spans = [h for h in hits if h.span is not None]
    attrs = f'id="{_e(block_id)}" {_mark_attrs(whole, css)}'
    return f"<p {attrs}>{_anchors(whole)}{_marked_text(block.text, spans)}</p>"


def _marked_text(text: str, hits: list[_Hit]) -> str:
    """``text`` escaped, with overlapping spans split into segments each marked by all findings covering it."""
    if not hits:  # most paragraphs
        return _e(text)
    cuts = sorted({0, len(text)} | {p for h in hits for p in h.span})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        starting = [h for h in hits if h.span[0] == a]
        covering = [h for h in hits if h.span[0] <= a and b <= h.span[1]]
        piece = _e(text[a:b])
        out.append(_anchors(starting))
        out.append(f"<mark {_mark_attrs(covering)}>{piece}</mark>" if covering else piece)
    return "".join(out)


def _table(block: Table, hits: list[_Hit], block_id: str, grid: Grid) -> str:
    """A table (laid out as ``grid``) with merged cells spanning and findings' cells marked."""
    by_cell: dict[tuple[int, int], list[_Hit]] = {}
    whole = []
    for h in hits:
        if h.cell is None:
            whole.append(h)
        else:
            by_cell.setdefault(h.cell, []).append(h)
    attrs = f'id="{_e(block_id)}" {_mark_attrs(whole, "rv-table-wrap")}'
    rows = []
    for r, row in enumerate(block.rows):
        tds = []
        for c, cell in enumerate(row):
            slot = grid.slots[(r, c)]
            if slot.owner is not None:
                continue  # shown by the merged cell above
            span = (f' rowspan="{slot.rowspan}"' if slot.rowspan > 1 else "") + (
                f' colspan="{slot.colspan}"' if slot.colspan > 1 else ""
            )
            text = cell.text
            if _SPECIAL.search(text):  # _e, inlined: a table calls it for every cell
                text = escape(text, quote=True)
            cell_hits = by_cell.get((r, c))
            if cell_hits:
                tds.append(f"<td{span} {_mark_attrs(cell_hits)}>{_anchors(cell_hits)}{text}</td>")
            else:
                tds.append(f"<td{span}>{text}</td>")
        rows.append(f"<tr>{''.join(tds)}</tr>")
    return f'<div {attrs}>{_anchors(whole)}<table class="rv-table"><tbody>{"".join(rows)}</tbody></table></div>'


def _header(review: Review, findings: list[Finding]) -> str:
    """Title, document facts, counts by severity and notes."""
    info = review.document
    facts = [f"单位：{info.unit}" if info.unit else "", f"年度：{info.year}" if info.year else "",
             f"模板：{info.template}" if info.template else ""]
    counts = review.summary
    badges = "".join(
        f'<span class="rv-count rv-{sev}">{_e(label)} <strong>{counts[sev]}</strong></span>' for sev, label in SEVERITY_LABELS.items()
    )
    notes = "".join(f"<li>{_e(n)}</li>" for n in review.notes)
    return (
        f'<header class="rv-head"><h1>审阅结果：{_e(document_name(info.path))}</h1>'
        f'<p class="rv-meta">{_e("　".join(f for f in facts if f))}</p>'
        f'<p class="rv-counts">{badges}<span class="rv-count">合计 <strong>{len(findings)}</strong></span></p>'
        + (f'<ul class="rv-notes">{notes}</ul>' if notes else "")
        + "</header>"
    )


def _filters(findings: list[Finding]) -> str:
    """Checkboxes filtering the list and the highlights by severity and category."""
    sev_counts: dict[str, int] = {}
    cat_counts: dict[str, int] = {}
    for f in findings:
        sev_counts[f.severity] = sev_counts.get(f.severity, 0) + 1
        cat_counts[f.category] = cat_counts.get(f.category, 0) + 1
    sev_boxes = "".join(
        f'<label class="rv-{sev}"><input type="checkbox" data-filter="severity" value="{sev}" checked> '
        f"{_e(label)}（{sev_counts.get(sev, 0)}）</label>"
        for sev, label in SEVERITY_LABELS.items()
    )
    cat_boxes = "".join(
        f'<label><input type="checkbox" data-filter="category" value="{_e(cat)}" checked> '
        f"{_e(category_label(cat))}（{n}）</label>"
        for cat, n in cat_counts.items()
    )
    return (
        '<form class="rv-filters" onsubmit="return false">'
        f"<fieldset><legend>严重程度</legend>{sev_boxes}</fieldset>"
        f"<fieldset><legend>类别</legend>{cat_boxes or '（无）'}</fieldset>"
        f'<p class="rv-shown">显示 <strong data-shown>{len(findings)}</strong> / {len(findings)} 条</p></form>'
    )


def _list(findings: list[Finding], keys: list[str], anchored: set[str], document: Document) -> str:
    """The findings list; an item whose finding is located links to its anchor."""
    if not findings:
        return '<p class="rv-none">未发现问题。</p>'
    items = []
    for finding, key in zip(findings, keys):
        details = [f"<dt>{_e(label)}</dt><dd>{_e(value)}</dd>" for label, value in figures(finding, document)]
        where = places(finding, document)
        if len(where) > 1:
            details.append(f"<dt>位置（{len(where)}处）</dt><dd>{_e('；'.join(where))}</dd>")
        quotes = "；".join(f"「{e.quote}」" for e in finding.evidence if e.quote)
        if quotes:
            details.append(f"<dt>原文</dt><dd>{_e(quotes)}</dd>")
        if finding.suggestion:
            details.append(f"<dt>建议</dt><dd>{_e(finding.suggestion)}</dd>")
        badge = (
            f'<span class="rv-unverified">{_e(verification_label(finding))}</span>'
            if finding.source == "llm"
            else ""
        )
        head = (
            f'<span class="rv-code">{_e(finding.rule)}</span> <span class="rv-sev">{_e(severity_label(finding))}</span> '
            f'<span class="rv-cat">{_e(category_label(finding.category))}</span>{badge}'
            f'<span class="rv-msg">{_e(finding.message)}</span>'
            f'<span class="rv-loc">{_e(finding_label(finding, document))}</span>'
        )
        link = (
            f'<a class="rv-go" href="#{_e(key)}" data-target="{_e(key)}">{head}</a>'
            if key in anchored
            else f'<div class="rv-go rv-unlocated">{head}</div>'
        )
        items.append(
            f'<li class="rv-item rv-{finding.severity}" data-fid="{_e(key)}" data-severity="{finding.severity}" '
            f'data-category="{_e(finding.category)}">{link}'
            + (f'<dl class="rv-details">{"".join(details)}</dl>' if details else "")
            + "</li>"
        )
    return f'<ol class="rv-list">{"".join(items)}</ol>'


def _rejected(rejected: list[Rejected]) -> str:
    """Model findings that failed verification, collapsed, each with the reason."""
    if not rejected:
        return ""
    items = []
    for r in rejected:
        cand = r.candidate
        code = cand.get("rule") or cand.get("code") or ""
        text = cand.get("message") or cand.get("claim") or str(cand)
        quote = cand.get("quote") or ""
        items.append(
            f'<li><span class="rv-code">{_e(code)}</span> {_e(text)}'
            + (f'<br><span class="rv-quote">原文：「{_e(quote)}」</span>' if quote else "")
            + f'<br><span class="rv-reason">未采纳原因：{_e(r.reason)}</span></li>'
        )
    return (
        f'<details class="rv-rejected"><summary>未通过核验的大模型发现（{len(rejected)}）</summary>'
        f'<ul>{"".join(items)}</ul></details>'
    )
