"""A metric's formula over named line items, evaluated with `Decimal` from its syntax tree (never
`eval`): numbers, names, + - * / **, unary minus, parentheses and abs() — nothing else parses.

Names end in `_prev` (the year before) or `_first` (the first year of a span); `years` is the span.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, DivisionByZero, InvalidOperation, localcontext
from functools import cache

_BINARY: dict[type[ast.operator], Callable[[Decimal, Decimal], Decimal]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}
_NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")
PREVIOUS, FIRST, SPAN = "_prev", "_first", "years"


class FormulaError(ValueError):
    """A formula outside the small language above, or one that cannot be evaluated (a zero divisor)."""


@dataclass(frozen=True)
class Formula:
    """A parsed formula and the names it needs."""

    text: str
    tree: ast.Expression

    @property
    def names(self) -> tuple[str, ...]:
        found = [node for node in ast.walk(self.tree) if isinstance(node, ast.Name) and node.id != "abs"]
        return tuple(dict.fromkeys(node.id for node in sorted(found, key=lambda node: node.col_offset)))

    def evaluate(self, values: Mapping[str, Decimal]) -> Decimal:
        """The formula's value; FormulaError when a name is missing or a divisor is zero."""
        with localcontext() as context:
            context.prec = 28
            try:
                return _value(self.tree.body, values)
            except (DivisionByZero, InvalidOperation, ZeroDivisionError) as error:
                raise FormulaError(f"{self.text}: {error}") from error

    def shown(self, words: Mapping[str, str]) -> str:
        """The formula with each name replaced by its words ("operating income 6,098")."""
        return _NAME.sub(lambda match: words.get(match.group(0), match.group(0)), self.text)


@cache
def parse(text: str) -> Formula:
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as error:
        raise FormulaError(f"{text}: {error.msg}") from error
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED):
            raise FormulaError(f"{text}: {type(node).__name__} is not allowed")
        if isinstance(node, ast.Call) and not (isinstance(node.func, ast.Name) and node.func.id == "abs"):
            raise FormulaError(f"{text}: only abs() may be called")
    return Formula(text, tree)


_ALLOWED = (
    ast.Expression,
    ast.BinOp,
    ast.UnaryOp,
    ast.USub,
    ast.UAdd,
    ast.Name,
    ast.Load,
    ast.Constant,
    ast.Call,
    *_BINARY,
)


def _value(node: ast.expr, values: Mapping[str, Decimal]) -> Decimal:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return Decimal(str(node.value))
    if isinstance(node, ast.Name):
        if node.id not in values:
            raise FormulaError(f"no value for {node.id}")
        return values[node.id]
    if isinstance(node, ast.UnaryOp):
        inner = _value(node.operand, values)
        return -inner if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.BinOp):
        left, right = _value(node.left, values), _value(node.right, values)
        if isinstance(node.op, ast.Pow) and left < 0:
            raise FormulaError("a negative base has no real power")
        return _BINARY[type(node.op)](left, right)
    if isinstance(node, ast.Call) and len(node.args) == 1:
        return abs(_value(node.args[0], values))
    raise FormulaError(f"cannot evaluate {ast.dump(node)}")


def base_name(name: str) -> tuple[str, str]:
    """ "inventory_prev" -> ("inventory", "_prev"); "revenue" -> ("revenue", "")."""
    for suffix in (PREVIOUS, FIRST):
        if name.endswith(suffix):
            return name[: -len(suffix)], suffix
    return name, ""
