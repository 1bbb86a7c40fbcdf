"""Compute the simple formulas a workbook was saved with but without their values.

Scripts and WPS often save ``=B6+B7`` or ``=SUM(B6:B7)`` with no cached value,
and openpyxl then reads the total as blank. This evaluates what report forms
use for totals, rates and scores — numbers, cell references, ranges inside
SUM/PRODUCT/MIN/MAX/AVERAGE, ROUND/ROUNDUP/ROUNDDOWN/ABS, ``+ - * /``, unary
signs, ``%`` and parentheses, on the same sheet or another sheet of the
workbook (``资金!B1``, ``'资金'!B1``) — in Decimal, as Excel does to 15
significant digits. Numeric text ("97.99%", "1,234.5") counts as its number in
arithmetic, as Excel coerces it. Anything else (other functions, other
workbooks, names, text, errors) raises FormulaError with the reason, for the
reader's warning; a formula that reads such a cell names that cell.

openpyxl's own tokenizer splits the formula. The formula libraries on PyPI were
weighed and not taken: ``formulas`` needs numpy and scipy (~100 MB) and
``pycel`` (unreleased since 2021) re-reads the workbook itself with openpyxl,
outside the reader's bounds on cells and merged ranges, for a few sums.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal, DivisionByZero, InvalidOperation

from openpyxl.formula.tokenizer import Token, Tokenizer, TokenizerError
from openpyxl.utils.cell import get_column_letter, range_boundaries

Lookup = Callable[[int, int], object]  # (row, column) -> value of the cell (None when blank)
# Functions over a list of numbers (ranges skip text and blanks inside them, as in Excel).
_AGGREGATES = {"SUM(", "PRODUCT(", "MIN(", "MAX(", "AVERAGE("}
# ROUND(x, n) and its kin: score forms round 执行率 × 分值 to two places. Excel rounds
# halves away from zero; ROUNDUP goes away from zero, ROUNDDOWN towards it.
_ROUNDING = {"ROUND(": ROUND_HALF_UP, "ROUNDUP(": ROUND_UP, "ROUNDDOWN(": ROUND_DOWN}


class FormulaError(Exception):
    """A formula this evaluator does not compute; the message says why (Chinese)."""


BUDGET_SPENT = "计算量超过上限"
_MAX_NESTING = 64  # Excel's own limit on nested functions; report forms nest two or three
CYCLE = "循环引用"


def coordinate(key: tuple[int, int]) -> str:
    """A cell's name as Excel shows it: (5, 8) -> "H5"."""
    return f"{get_column_letter(key[1])}{key[0]}"


class Evaluator:
    """Evaluates formulas against one sheet's values; ``budget`` caps the cells read from this sheet over all formulas.

    ``book`` maps the workbook's sheet titles to their evaluators (this one
    included), for references to other sheets; a reference into another sheet
    is read, and charged, by that sheet's evaluator.
    """

    def __init__(
        self, values: dict[tuple[int, int], object], formulas: dict[tuple[int, int], str], budget: int,
        book: dict[str, Evaluator] | None = None,
    ):
        self.book = book if book is not None else {}
        self.values = values
        self.formulas = formulas  # formula text ("=...") of the cells saved without a value
        self.budget = budget
        self.done: dict[tuple[int, int], Decimal | FormulaError] = {}
        self.active: set[tuple[int, int]] = set()

    def cell(self, key: tuple[int, int]) -> Decimal:
        """The value of the formula cell ``key`` (row, column); FormulaError when it cannot be computed."""
        if key not in self.done:
            if key in self.active:
                raise FormulaError(CYCLE)
            self.active.add(key)
            try:
                self.done[key] = _Parser(self.formulas[key], self).parse()
            except FormulaError as exc:
                self.done[key] = exc
            finally:
                self.active.discard(key)
        result = self.done[key]
        if isinstance(result, FormulaError):
            raise result
        return result

    def value(self, key: tuple[int, int]) -> object:
        """A referenced cell: its value, computed when it is itself an uncached formula."""
        self.budget -= 1
        if self.budget < 0:
            raise FormulaError(BUDGET_SPENT)
        if key in self.formulas:
            try:
                return self.cell(key)
            except FormulaError as exc:
                if str(exc) in (BUDGET_SPENT, CYCLE):  # said as they are: no one cell is to blame
                    raise
                raise FormulaError(f"引用的 {coordinate(key)} 无法计算") from exc
        return self.values.get(key)

    def cells_in(self, box: tuple[int, int, int, int]) -> list[object]:
        """Values of the non-blank cells inside (min_col, min_row, max_col, max_row)."""
        left, top, right, bottom = box
        keys = set(self.values) | set(self.formulas)
        if (right - left + 1) * (bottom - top + 1) > len(keys):  # a huge range: walk the cells that exist
            inside = [k for k in keys if top <= k[0] <= bottom and left <= k[1] <= right]
        else:
            inside = [(r, c) for r in range(top, bottom + 1) for c in range(left, right + 1) if (r, c) in keys]
        return [self.value(k) for k in sorted(inside)]

    def resolve(self, reference: str) -> tuple[Evaluator, tuple[int, int, int, int]]:
        """The evaluator of the sheet ``reference`` points to and its box (min_col, min_row, max_col, max_row).

        FormulaError for a sheet not in the workbook (or another workbook's), a name, a whole row or column.
        """
        sheet = self
        if "!" in reference:
            title, reference = reference.rsplit("!", 1)
            if len(title) > 1 and title[0] == title[-1] == "'":
                title = title[1:-1].replace("''", "'")
            sheet = self.book.get(title)
            if sheet is None:
                raise FormulaError(f"引用的工作表「{title}」不在本工作簿中")
        try:
            box = range_boundaries(reference.replace("$", ""))
        except (ValueError, TypeError) as exc:
            raise FormulaError(f"不支持名称 {reference}") from exc
        if None in box:
            raise FormulaError(f"不支持整行或整列引用 {reference}")
        return sheet, box


def _number(value: object, reference: str) -> Decimal:
    """A referenced value in arithmetic: blank is 0, numbers and numeric text are read, anything else fails."""
    if value is None:
        return Decimal(0)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(format(value, ".15g"))
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        percent = text.endswith("%")
        try:
            number = Decimal(text.removesuffix("%").strip())
        except InvalidOperation:
            pass
        else:
            if number.is_finite():
                return number / 100 if percent else number
    raise FormulaError(f"{reference} 不是数值")


class _Parser:
    """Recursive descent over openpyxl's tokens: expr := term (+|- term)*, term := factor (*|/ factor)*."""

    def __init__(self, formula: str, sheet: Evaluator):
        try:
            tokens = Tokenizer(formula).items
        except TokenizerError as exc:
            raise FormulaError("公式无法解析") from exc
        self.tokens = [t for t in tokens if t.type != Token.WSPACE]
        self.pos = 0
        self.depth = 0  # factors open (see factor)
        self.sheet = sheet

    def parse(self) -> Decimal:
        if not self.tokens:
            raise FormulaError("公式为空")
        try:
            result = self.expr()
        except ArithmeticError as exc:  # decimal's Overflow and the like on absurd operands
            raise FormulaError("结果超出范围") from exc
        if self.pos != len(self.tokens):
            raise FormulaError(f"不支持“{self.tokens[self.pos].value}”")
        try:
            return Decimal(format(result, ".15g"))
        except InvalidOperation as exc:  # an infinite or NaN result
            raise FormulaError("结果不是有限数") from exc

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise FormulaError("公式不完整")
        self.pos += 1
        return token

    def expr(self) -> Decimal:
        value = self.term()
        while (t := self.peek()) is not None and t.type == Token.OP_IN and t.value in "+-":
            self.pos += 1
            value = value + self.term() if t.value == "+" else value - self.term()
        return value

    def term(self) -> Decimal:
        value = self.factor()
        while (t := self.peek()) is not None and t.type == Token.OP_IN and t.value in "*/":
            self.pos += 1
            right = self.factor()
            try:
                value = value * right if t.value == "*" else value / right
            except (DivisionByZero, InvalidOperation) as exc:
                raise FormulaError("除数为零") from exc
        return value

    def factor(self) -> Decimal:
        # Every nesting (parentheses, functions, signs) passes here: bounded, or a hostile formula exhausts Python's stack.
        self.depth += 1
        if self.depth > _MAX_NESTING:
            raise FormulaError(f"嵌套超过 {_MAX_NESTING} 层")
        try:
            token = self.peek()
            if token is not None and token.type == Token.OP_PRE and token.value in "+-":
                self.pos += 1
                value = self.factor()
                return -value if token.value == "-" else value
            value = self.primary()
            while (t := self.peek()) is not None and t.type == Token.OP_POST and t.value == "%":
                self.pos += 1
                value = value / 100
            return value
        finally:
            self.depth -= 1

    def primary(self) -> Decimal:
        token = self.take()
        if token.type == Token.OPERAND and token.subtype == Token.NUMBER:
            return Decimal(token.value)
        if token.type == Token.OPERAND and token.subtype == Token.RANGE:
            sheet, box = self.sheet.resolve(token.value)
            if box[0] != box[2] or box[1] != box[3]:
                raise FormulaError(f"区域 {token.value} 只能用在 SUM/PRODUCT 中")
            return _number(sheet.value((box[1], box[0])), token.value)
        if token.type == Token.PAREN and token.subtype == Token.OPEN:
            value = self.expr()
            if self.take().type != Token.PAREN:
                raise FormulaError("括号不配对")
            return value
        if token.type == Token.FUNC and token.subtype == Token.OPEN:
            return self.function(token.value.upper())
        raise FormulaError(f"不支持“{token.value}”")

    def function(self, name: str) -> Decimal:
        if name in _ROUNDING or name == "ABS(":
            return self.rounding(name)
        if name not in _AGGREGATES:
            raise FormulaError(f"不支持函数 {name[:-1]}")
        numbers: list[Decimal] = []
        while True:
            token = self.peek()
            if token is None:
                raise FormulaError("公式不完整")
            if token.type == Token.FUNC and token.subtype == Token.CLOSE:
                self.pos += 1
                break
            if token.type == Token.SEP and token.subtype == Token.ARG:
                self.pos += 1
                continue
            following = self.tokens[self.pos + 1] if self.pos + 1 < len(self.tokens) else None
            if token.type == Token.OPERAND and token.subtype == Token.RANGE and (
                following is None or following.type in (Token.SEP, Token.FUNC)
            ):
                self.pos += 1
                # Inside SUM a range's text and blank cells are skipped, as in Excel.
                sheet, box = self.sheet.resolve(token.value)
                for value in sheet.cells_in(box):
                    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
                        numbers.append(_number(value, token.value))
                continue
            numbers.append(self.expr())
        if name == "SUM(":
            return sum(numbers, Decimal(0))
        if name == "PRODUCT(":
            product = Decimal(1)
            for number in numbers:
                product *= number
            return product if numbers else Decimal(0)
        if not numbers:  # Excel: MIN/MAX of nothing is 0, AVERAGE of nothing is #DIV/0!
            if name == "AVERAGE(":
                raise FormulaError("除数为零")
            return Decimal(0)
        if name == "MIN(":
            return min(numbers)
        if name == "MAX(":
            return max(numbers)
        return sum(numbers, Decimal(0)) / len(numbers)

    def rounding(self, name: str) -> Decimal:
        """ROUND/ROUNDUP/ROUNDDOWN(number, digits) and ABS(number): one expression argument each."""
        args = [self.expr()]
        while (t := self.peek()) is not None and t.type == Token.SEP and t.subtype == Token.ARG:
            self.pos += 1
            args.append(self.expr())
        closing = self.take()
        if closing.type != Token.FUNC or closing.subtype != Token.CLOSE:
            raise FormulaError("括号不配对")
        if name == "ABS(":
            if len(args) != 1:
                raise FormulaError("ABS 的参数个数不对")
            return abs(args[0])
        if len(args) != 2 or args[1] != args[1].to_integral_value(ROUND_DOWN) or abs(args[1]) > 15:
            raise FormulaError(f"{name[:-1]} 的参数不对")
        digits = int(args[1])
        step = Decimal(1).scaleb(-digits)
        return args[0].quantize(step, rounding=_ROUNDING[name])
