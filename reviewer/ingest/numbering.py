"""Word automatic list numbering rendered as the text Word displays ("一、", "（二）", "1.2").

python-docx returns only the runs of a paragraph; the number Word draws in
front of a numbered paragraph lives in numbering.xml. This module resolves a
paragraph's w:numPr (its own, or inherited from its style chain), follows
w:num to w:abstractNum (with w:lvlOverride / w:startOverride), keeps per-level
counters in document order and fills the level's w:lvlText template.
Counters belong to the abstract definition: Word continues a list across
w:num instances of the same abstractNum unless one carries a start override.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NUMBERING_RELTYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"


def _w(tag: str) -> str:
    """Clark name of a WordprocessingML tag."""
    return f"{{{W_NS}}}{tag}"


_VAL = _w("val")
_STYLE_ID = _w("styleId")
_PPR, _PSTYLE, _NUMPR = _w("pPr"), _w("pStyle"), _w("numPr")  # asked of every paragraph
# A styles part holds some 10,000 elements, a few hundred of them styles, a handful numbered:
# compiled queries pick out what _read_styles needs (each style's first w:basedOn, the numbered ones).
_STYLE_BASED_ON = etree.XPath("descendant::w:style/w:basedOn[1]", namespaces={"w": W_NS})
_NUMBERED_STYLES = etree.XPath("descendant::w:style[w:pPr/w:numPr]", namespaces={"w": W_NS})
_SUFFIXES = {"tab": "\t", "space": " ", "nothing": ""}
_PLACEHOLDER = re.compile(r"%([1-9])")
_CN_DIGITS = "零一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_CN_UNITS = ("", "十", "百", "千")
_CN_LEGAL_UNITS = ("", "拾", "佰", "仟")
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


@dataclass
class Level:
    """One level of a list definition: start value, number format, template, suffix, restart rule."""

    start: int = 0
    fmt: str = "decimal"
    text: str = ""
    suffix: str = "\t"
    restart: int | None = None  # w:lvlRestart: restart after this 1-based level; 0 never; None after any higher
    legal: bool = False  # w:isLgl: every placeholder shown in decimal
    style: str | None = None  # w:pStyle: the paragraph style bound to this level


@dataclass
class _Instance:
    """A w:num: its abstract definition and the levels it overrides."""

    abstract: str
    levels: dict[int, Level] = field(default_factory=dict)  # full w:lvl overrides
    starts: dict[int, int] = field(default_factory=dict)  # w:startOverride per level
    used: bool = False


def _int(element: etree._Element | None, default: int | None) -> int | None:
    """Integer w:val of ``element``, or ``default`` when absent or malformed."""
    if element is None:
        return default
    try:
        return int(element.get(_VAL))
    except (TypeError, ValueError):
        return default


def _level(lvl: etree._Element) -> Level:
    """Read one w:lvl element."""
    fmt = lvl.find(_w("numFmt"))
    text = lvl.find(_w("lvlText"))
    suffix = lvl.find(_w("suff"))
    style = lvl.find(_w("pStyle"))
    legal = lvl.find(_w("isLgl"))
    return Level(
        start=_int(lvl.find(_w("start")), 0),
        fmt=(fmt.get(_VAL) or "decimal") if fmt is not None else "decimal",
        text=(text.get(_VAL) or "") if text is not None else "",
        suffix=_SUFFIXES.get(suffix.get(_VAL, "tab") if suffix is not None else "tab", "\t"),
        restart=_int(lvl.find(_w("lvlRestart")), None),
        legal=legal is not None and legal.get(_VAL, "true") not in ("0", "false", "off"),
        style=style.get(_VAL) if style is not None else None,
    )


def _ilvl(lvl: etree._Element) -> int | None:
    """The w:ilvl attribute of a w:lvl, or None."""
    try:
        return int(lvl.get(_w("ilvl")))
    except (TypeError, ValueError):
        return None


class Numbering:
    """The list definitions of one document and the counters advanced while reading it in order."""

    def __init__(self, numbering: etree._Element | None, styles: etree._Element | None):
        self._abstract: dict[str, dict[int, Level]] = {}
        self._links: dict[str, str] = {}  # abstractNum id -> numbering style it defers to (w:numStyleLink)
        self._instances: dict[str, _Instance] = {}
        self._counters: dict[str, dict[int, int]] = {}
        self._style_numpr: dict[str, tuple[str | None, int | None]] = {}
        self._based_on: dict[str, str] = {}
        if numbering is not None:
            self._read_numbering(numbering)
        if styles is not None:
            self._read_styles(styles)

    def _read_numbering(self, root: etree._Element) -> None:
        """Collect w:abstractNum and w:num definitions."""
        for abstract in root.iter(_w("abstractNum")):
            key = abstract.get(_w("abstractNumId"))
            levels = {}
            for lvl in abstract.iter(_w("lvl")):
                ilvl = _ilvl(lvl)
                if ilvl is not None:
                    levels[ilvl] = _level(lvl)
            self._abstract[key] = levels
            link = abstract.find(_w("numStyleLink"))
            if link is not None and link.get(_VAL):
                self._links[key] = link.get(_VAL)
        for num in root.iter(_w("num")):
            ref = num.find(_w("abstractNumId"))
            if ref is None or ref.get(_VAL) is None:
                continue
            instance = _Instance(abstract=ref.get(_VAL))
            for override in num.iter(_w("lvlOverride")):
                ilvl = _ilvl(override)
                if ilvl is None:
                    continue
                start = _int(override.find(_w("startOverride")), None)
                if start is not None:
                    instance.starts[ilvl] = start
                lvl = override.find(_w("lvl"))
                if lvl is not None:
                    instance.levels[ilvl] = _level(lvl)
            self._instances[num.get(_w("numId"))] = instance

    def _read_styles(self, root: etree._Element) -> None:
        """Collect each paragraph style's own numPr and its w:basedOn parent."""
        for based in _STYLE_BASED_ON(root):
            sid = based.getparent().get(_STYLE_ID)
            if sid is not None and based.get(_VAL):
                self._based_on[sid] = based.get(_VAL)
        for style in _NUMBERED_STYLES(root):
            sid = style.get(_STYLE_ID)
            if sid is None:
                continue
            numpr = style.find(f"{_w('pPr')}/{_w('numPr')}")
            num_id = numpr.find(_w("numId"))
            self._style_numpr[sid] = (
                num_id.get(_VAL) if num_id is not None else None,
                _int(numpr.find(_w("ilvl")), None),
            )

    def _style_numbering(self, style: str | None) -> tuple[str | None, int | None, str | None]:
        """numId and ilvl a style (or an ancestor) gives, and the style that gave the numId."""
        ilvl = None
        seen = set()
        while style and style not in seen:
            seen.add(style)
            own_id, own_lvl = self._style_numpr.get(style, (None, None))
            if ilvl is None:
                ilvl = own_lvl
            if own_id is not None:
                return own_id, ilvl, style
            style = self._based_on.get(style)
        return None, ilvl, None

    def _levels(self, instance: _Instance) -> tuple[str, dict[int, Level]]:
        """The abstract id whose counters the instance uses, and its level definitions."""
        key = instance.abstract
        link = self._links.get(key)
        if link is not None:  # the definition lives with a numbering style: follow its numId
            num_id, _, _ = self._style_numbering(link)
            target = self._instances.get(num_id) if num_id else None
            if target is not None and target.abstract in self._abstract:
                key = target.abstract
        levels = dict(self._abstract.get(key, {}))
        levels.update(instance.levels)
        return key, levels

    def prefix(self, p: etree._Element) -> str:
        """Advance the counters for paragraph ``p`` and return the number Word shows before it ("" if none)."""
        ppr = p.find(_PPR)
        if ppr is None:  # neither a style nor numbering of its own: no number
            return ""
        style_el = ppr.find(_PSTYLE)
        style = style_el.get(_VAL) if style_el is not None else None
        numpr = ppr.find(_NUMPR)
        own_id = own_lvl = None
        if numpr is not None:
            own_el = numpr.find(_w("numId"))
            own_id = own_el.get(_VAL) if own_el is not None else None
            own_lvl = _int(numpr.find(_w("ilvl")), None)
        style_id, style_lvl, giver = self._style_numbering(style)
        num_id = own_id if own_id is not None else style_id
        if num_id is None or num_id == "0":  # numId 0 switches numbering off
            return ""
        instance = self._instances.get(num_id)
        if instance is None:
            return ""
        key, levels = self._levels(instance)
        ilvl = own_lvl if own_lvl is not None else style_lvl
        if ilvl is None:  # a style-bound list: the level whose w:pStyle names the style
            bound = style if own_id is None else None
            ilvl = next((i for i, lvl in levels.items() if bound and lvl.style in (bound, giver)), 0)
        ilvl = min(max(ilvl, 0), 8)
        if ilvl not in levels:
            return ""
        counters = self._counters.setdefault(key, {})
        if not instance.used:
            instance.used = True
            for level, start in instance.starts.items():
                counters[level] = start - 1
        level = levels[ilvl]
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else level.start
        for deeper in [d for d in counters if d > ilvl]:
            restart = levels[deeper].restart if deeper in levels else None
            if restart is None or (restart > 0 and ilvl < restart):
                del counters[deeper]
        if level.fmt == "bullet":
            return ""
        return self._fill(level, levels, counters) + (level.suffix if level.text else "")

    def _fill(self, level: Level, levels: dict[int, Level], counters: dict[int, int]) -> str:
        """Replace %1..%9 in the level's template with the counters of those levels."""

        def value(match: re.Match) -> str:
            """One placeholder's rendered number."""
            index = int(match.group(1)) - 1
            shown = levels.get(index, Level())
            number = counters.get(index, shown.start)
            return format_number(number, "decimal" if level.legal else shown.fmt)

        return _PLACEHOLDER.sub(value, level.text)


def _chinese(n: int, digits: str, units: tuple[str, ...]) -> str:
    """A number below 10000 in Chinese counting: 十一, 二十, 一百零五."""
    if n == 0:
        return digits[0]
    out = ""
    zero = False
    for power in (3, 2, 1, 0):
        d = n // 10**power % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += digits[0]
            zero = False
        out += digits[d] + units[power]
    if 10 <= n < 20 and units is _CN_UNITS:
        out = out[1:]  # 十一, not 一十一
    return out


def _letters(n: int, upper: bool) -> str:
    """Word's letter numbering: A..Z, then AA, BB .. ZZ, AAA."""
    if n <= 0:
        return str(n)
    letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
    return letter if upper else letter.lower()


def _roman(n: int, upper: bool) -> str:
    """Roman numerals; values outside 1..3999 in decimal."""
    if not 0 < n < 4000:
        return str(n)
    out = ""
    for value, numeral in _ROMAN:
        count, n = divmod(n, value)
        out += numeral * count
    return out.upper() if upper else out


def _circled(n: int) -> str:
    """①..㊿ for 1..50, decimal beyond."""
    if 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if 21 <= n <= 35:
        return chr(0x3251 + n - 21)
    if 36 <= n <= 50:
        return chr(0x32B1 + n - 36)
    return str(n)


def format_number(n: int, fmt: str) -> str:
    """A counter value in a w:numFmt; unknown formats fall back to decimal."""
    if fmt == "none":
        return ""
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting") and 0 <= n < 10000:
        return _chinese(n, _CN_DIGITS, _CN_UNITS)
    if fmt == "chineseLegalSimplified" and 0 <= n < 10000:
        return _chinese(n, _CN_LEGAL, _CN_LEGAL_UNITS)
    if fmt == "ideographTraditional" and n > 0:
        return _HEAVENLY_STEMS[(n - 1) % 10]
    if fmt in ("upperLetter", "lowerLetter"):
        return _letters(n, fmt == "upperLetter")
    if fmt in ("upperRoman", "lowerRoman"):
        return _roman(n, fmt == "upperRoman")
    if fmt == "decimalEnclosedCircle":
        return _circled(n)
    return str(n)


def paragraph_prefixes(word) -> dict[etree._Element, str]:
    """The list number shown before each numbered paragraph of a python-docx document's body.

    All paragraphs are visited in document order, table cells included, so the
    counters advance exactly as Word's do (an empty numbered paragraph counts too).
    """
    try:
        numbering_root = word.part.part_related_by(NUMBERING_RELTYPE).element
    except (KeyError, AttributeError):
        return {}
    numbering = Numbering(numbering_root, word.styles.element)
    out = {}
    for p in _PARAGRAPHS(word.element.body):
        text = numbering.prefix(p)
        if text:
            out[p] = text
    return out


# Paragraphs below the body in document order, not those of text boxes inside a paragraph's
# runs: a text box is stored twice (drawing and VML fallback), so counting its paragraphs
# would advance the counters twice; the ingester does not read them.
_PARAGRAPHS = etree.XPath("descendant::w:p[not(ancestor::w:p)]", namespaces={"w": W_NS})
