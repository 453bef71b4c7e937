"""The little language of goals: conditions such as ``train_loss - test_loss <= 0.05``.

A goal is conditions joined by ``and``. A condition compares two arithmetic expressions
with one of ``<=  >=  <  >  ==  !=`` (also written ``=``, ``≤``, ``≥``, ``≠``). An expression is
made of numbers (``0.177``, ``1e-3``, ``90%`` = 0.9), the names of
:data:`~playground.lessons.quantities.QUANTITIES`, ``+ - * /``, parentheses and
``abs(...)``. A setting is compared with a word: ``activation == relu``::

    goal   := cond ("and" cond)*
    cond   := expr compare expr | setting ("==" | "!=") word
    expr   := term (("+" | "-") term)*
    term   := factor (("*" | "/") factor)*
    factor := number | name | "abs" "(" expr ")" | "(" expr ")" | "-" factor

Parsing builds a small tree of the nodes below; evaluating walks it over a dict of
numbers. Nothing is ever passed to ``eval`` or ``exec``: a lesson cannot run code.
Each condition words its own result (``"test loss 0.214 — needs ≤ 0.177 (0.037 to
go)"``), in the terms of the quantity it is about.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from playground.lessons.quantities import QUANTITIES, format_gap, format_value
from playground.lessons.settings import suggestion

MAX_TOKENS = 60  # per condition: a goal is a few plain comparisons
MAX_DEPTH = 12   # nested parentheses and signs

# written form -> (shown as, test)
COMPARISONS = {
    "<=": ("≤", lambda a, b: a <= b), "≤": ("≤", lambda a, b: a <= b),
    ">=": ("≥", lambda a, b: a >= b), "≥": ("≥", lambda a, b: a >= b),
    "<": ("<", lambda a, b: a < b), ">": (">", lambda a, b: a > b),
    "==": ("=", lambda a, b: _equal(a, b)), "=": ("=", lambda a, b: _equal(a, b)),
    "!=": ("≠", lambda a, b: not _equal(a, b)), "≠": ("≠", lambda a, b: not _equal(a, b)),
}
ARITHMETIC = {"+": (1, "+"), "-": (1, "−"), "−": (1, "−"), "*": (2, "×"), "/": (2, "/")}
_TOKEN = re.compile(r"""\s*(?:
      (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?%?)
    | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<op><=|>=|==|!=|[≤≥≠<>=()+*/−-])
    )""", re.VERBOSE)


def _equal(a, b) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


@dataclass(frozen=True)
class Token:
    kind: str   # "number", "name" or "op"
    text: str
    line: int


# ---------------------------------------------------------------------- expression nodes
class Node:
    """An expression: ``evaluate(values)`` over named numbers, ``names()`` it reads,
    ``words()`` for a student (``test loss − training loss``)."""

    def operands(self) -> tuple:
        return ()

    def names(self) -> set[str]:
        return set().union(*(node.names() for node in self.operands()))


@dataclass(frozen=True)
class Constant(Node):
    """A number as written (``90%`` is 0.9), or a setting's value (``relu``)."""

    value: float | str
    text: str

    def evaluate(self, values: dict[str, float]) -> float | str:
        return self.value

    def words(self) -> str:
        return self.text


@dataclass(frozen=True)
class Name(Node):
    name: str

    def evaluate(self, values: dict[str, float]) -> float:
        return values[self.name]

    def names(self) -> set[str]:
        return {self.name}

    def words(self) -> str:
        return QUANTITIES[self.name].label


@dataclass(frozen=True)
class Unary(Node):
    """``-x`` or ``abs(x)``."""

    op: str
    operand: Node

    def operands(self) -> tuple:
        return (self.operand,)

    def evaluate(self, values: dict[str, float]) -> float:
        x = self.operand.evaluate(values)
        return abs(x) if self.op == "abs" else -x

    def words(self) -> str:
        if self.op == "abs":
            return f"|{self.operand.words()}|"
        return f"−{_grouped(self.operand, 3)}"


@dataclass(frozen=True)
class Binary(Node):
    op: str
    left: Node
    right: Node

    def operands(self) -> tuple:
        return (self.left, self.right)

    def evaluate(self, values: dict[str, float]) -> float:
        a, b = self.left.evaluate(values), self.right.evaluate(values)
        if self.op == "+":
            return a + b
        if self.op in "-−":
            return a - b
        if self.op == "*":
            return a * b
        return a / b if b else math.nan  # x / 0 cannot be compared with anything

    def words(self) -> str:
        rank, shown = ARITHMETIC[self.op]
        return f"{_grouped(self.left, rank)} {shown} {_grouped(self.right, rank + 1)}"


def _grouped(node, rank: int) -> str:
    """``node``'s words, in parentheses if its operator binds less than ``rank``."""
    inner = isinstance(node, Binary) and ARITHMETIC[node.op][0] < rank
    return f"({node.words()})" if inner else node.words()


# ---------------------------------------------------------------------- results
@dataclass(frozen=True)
class ConditionResult:
    """One condition checked on a run.

    Attributes
    ----------
    text : str
        The condition as written, e.g. ``"test_loss <= 0.177"``.
    met : bool
    value, target : float or str
        The left and right sides' values (NaN if they cannot be computed; words for
        a setting such as ``activation``).
    message : str
        Plain words: ``"test loss 0.150 ≤ 0.177"`` when met, ``"test loss 0.214 —
        needs ≤ 0.177 (0.037 to go)"`` when not.
    """

    text: str
    met: bool
    value: float | str
    target: float | str
    message: str


@dataclass(frozen=True)
class Condition:
    """``left compare right``, parsed from line ``line`` of a lesson file."""

    text: str
    left: Node
    compare: str
    right: Node
    line: int

    def names(self) -> set[str]:
        """The quantities this condition reads."""
        return self.left.names() | self.right.names()

    @property
    def kind(self) -> str:
        """How this condition's numbers are shown: its quantities' common kind."""
        kinds = {QUANTITIES[n].kind for n in self.left.names()} or {
            QUANTITIES[n].kind for n in self.right.names()}
        return kinds.pop() if len(kinds) == 1 else "number"

    def check(self, values: dict[str, float]) -> ConditionResult:
        """This condition on ``values`` (a number for each of :meth:`names`)."""
        value, target = self.left.evaluate(values), self.right.evaluate(values)
        shown, test = COMPARISONS[self.compare]
        if isinstance(target, str):  # a setting: activation == relu
            met = bool(test(value, target))
            now = f"{self.left.words()} {value}"
            needs = target if shown == "=" else f"other than {target}"
            return ConditionResult(self.text, met, value, target,
                                   now if met else f"{now} — needs {needs}")
        finite = math.isfinite(value) and math.isfinite(target)
        met = finite and bool(test(value, target))
        kind = self.kind
        left = self.left.words()
        left = left if isinstance(self.left, Name) else f"{left} ="
        wanted = self._target_words(target, kind)
        if kind == "flag":
            now = f"{left}: {format_value(value, kind)}" if isinstance(self.left, Name) \
                else f"{left} {format_value(value, kind)}"
            needs = wanted if shown == "=" else f"{shown} {wanted}"
            return ConditionResult(self.text, met, value, target,
                                   now if met else f"{now} — needs {needs}")
        now = f"{left} {format_value(value, kind)}"
        if met:
            return ConditionResult(self.text, met, value, target, f"{now} {shown} {wanted}")
        if not finite:
            message = f"{now} — needs {shown} {wanted} (it cannot be computed now)"
            return ConditionResult(self.text, met, value, target, message)
        message = f"{now} — needs {shown} {wanted}"
        if shown != "≠":
            message += f" ({_how_far(value, target, shown, kind, wanted)})"
        return ConditionResult(self.text, met, value, target, message)

    def _target_words(self, target: float, kind: str) -> str:
        """The right side: as written for a plain number, else with its value."""
        right = self.right
        if right.names():
            return f"{right.words()} = {format_value(target, kind)}"
        if isinstance(right, Constant) and kind not in ("fraction", "flag") \
                and not right.text.endswith("%"):
            return right.text
        return format_value(target, kind)


def _how_far(value: float, target: float, shown: str, kind: str, wanted: str) -> str:
    """How far an unmet comparison is from holding: ``"0.037 to go"``, ``"2 too many"``."""
    gap = abs(value - target)
    if shown == "=":
        if kind == "count":
            return format_gap(gap, kind, value > target)
        return f"off by {format_value(gap, kind).replace(' %', ' points')}"
    if kind == "count" and shown in "<>" and float(gap).is_integer():
        gap += 1  # 4 neurons for "< 4": one too many
    if not gap:  # "> 0" at 0
        return f"anything {'above' if shown == '>' else 'below'} {wanted}"
    return format_gap(gap, kind, shown in "<≤")


# ---------------------------------------------------------------------- parsing
def tokenize(lines: list[tuple[int, str]]) -> list[Token]:
    """Tokens of the goal text ``lines`` (``(line number, text)`` pairs).

    Raises
    ------
    ValueError
        ``"line 12: goal: unexpected '!' ..."`` at the first character that is no token.
    """
    tokens = []
    for number, text in lines:
        at = 0
        text = text.rstrip()
        while at < len(text):
            match = _TOKEN.match(text, at)
            if not match or match.end() == at:
                bad = text[at:].strip()[:1]
                raise ValueError(f"line {number}: goal: unexpected {bad!r} in {text.strip()!r}"
                                 " — a goal uses names, numbers, + - * / ( ), comparisons "
                                 "(<= >= < > ==) and 'and'")
            kind = match.lastgroup
            tokens.append(Token(kind, match.group(kind), number))
            at = match.end()
    return tokens


def parse_goal(lines: list[tuple[int, str]], task: str) -> tuple[Condition, ...]:
    """The conditions of a goal block, checked against ``task`` (``"classification"``
    or ``"regression"``: accuracy names belong to one, R² names to the other).

    Raises
    ------
    ValueError
        Naming the line and the problem, e.g. an unknown name, a missing comparison,
        a dangling ``and``.
    """
    tokens = tokenize(lines)
    if not tokens:
        raise ValueError(f"line {lines[0][0] if lines else 0}: goal: the goal is empty — "
                         "write conditions such as test_loss <= 0.2 and neurons <= 4")
    parts, current = [], []
    for token in tokens:
        if token.kind == "name" and token.text.lower() == "and":
            parts.append((current, token))
            current = []
        else:
            current.append(token)
    parts.append((current, tokens[-1]))
    return tuple(_condition(part, at, task) for part, at in parts)


def _condition(tokens: list[Token], near: Token, task: str) -> Condition:
    if not tokens:
        raise ValueError(f"line {near.line}: goal: 'and' needs a condition on each side")
    line = tokens[0].line
    if len(tokens) > MAX_TOKENS:
        raise ValueError(f"line {line}: goal: a condition of {len(tokens)} parts is too long "
                         f"(at most {MAX_TOKENS}); split it with 'and'")
    text = _joined(tokens)
    first = QUANTITIES.get(tokens[0].text)
    if first is not None and first.kind == "choice":
        return _setting_condition(tokens, first, text)
    parser = _Parser(tokens, text, task)
    left = parser.expression()
    compare = parser.next()
    if compare is None or compare.text not in COMPARISONS:
        what = f"found {compare.text!r}" if compare else "it ends there"
        raise ValueError(f"line {line}: goal: {text!r} is not a comparison ({what}) — "
                         "compare two sides with <=, >=, <, >, == or !=, e.g. test_loss <= 0.2")
    right = parser.expression()
    extra = parser.next()
    if extra is not None:
        problem = ("one comparison per condition: join two with 'and'"
                   if extra.text in COMPARISONS else f"unexpected {extra.text!r}")
        raise ValueError(f"line {extra.line}: goal: {text!r}: {problem}")
    condition = Condition(text, left, compare.text, right, line)
    if not condition.names():
        raise ValueError(f"line {line}: goal: {text!r} compares numbers only — name what to "
                         "measure, e.g. test_acc >= 0.9")
    return condition


def _setting_condition(tokens: list[Token], quantity, text: str) -> Condition:
    """``activation == relu``: a setting, ``==`` or ``!=``, and one of its values."""
    line = tokens[0].line
    form = f"write {quantity.name} == value or {quantity.name} != value, the value one of " \
           f"{', '.join(quantity.choices)}"
    if len(tokens) != 3 or tokens[1].text not in ("==", "=", "!=", "≠"):
        raise ValueError(f"line {line}: goal: {text!r}: {quantity.name} is a setting — {form}")
    value = tokens[2].text
    if value not in quantity.choices:
        raise ValueError(f"line {line}: goal: {text!r}: {value!r} is not a value of "
                         f"{quantity.name}{suggestion(value, quantity.choices)} — {form}")
    return Condition(text, Name(quantity.name), tokens[1].text, Constant(value, value), line)


def _joined(tokens: list[Token]) -> str:
    """The condition's text, spaced evenly: ``abs(a - b) <= -1``."""
    text, previous, unary = "", None, False
    for token in tokens:
        tight = (previous is None or unary or previous.text == "(" or token.text == ")"
                 or token.text == "(" and previous.kind == "name")
        text += ("" if tight else " ") + token.text
        unary = token.text in ("-", "−") and (
            previous is None or previous.kind == "op" and previous.text != ")")
        previous = token
    return text


class _Parser:
    """Recursive descent over one condition's tokens (the grammar in the docstring)."""

    def __init__(self, tokens: list[Token], text: str, task: str):
        self.tokens, self.at, self.text, self.task, self.depth = tokens, 0, text, task, 0

    def peek(self) -> Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def next(self) -> Token | None:
        token = self.peek()
        self.at += token is not None
        return token

    def fail(self, token: Token | None, problem: str):
        line = token.line if token else self.tokens[-1].line
        raise ValueError(f"line {line}: goal: {self.text!r}: {problem}")

    def expression(self):
        node = self.term()
        while (token := self.peek()) and token.text in ("+", "-", "−"):
            self.next()
            node = Binary(token.text, node, self.term())
        return node

    def term(self):
        node = self.factor()
        while (token := self.peek()) and token.text in ("*", "/"):
            self.next()
            node = Binary(token.text, node, self.factor())
        return node

    def factor(self):
        token = self.next()
        if token is None:
            self.fail(None, "it ends where a number or a name should come")
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.fail(token, f"nested more than {MAX_DEPTH} deep")
        try:
            return self._factor(token)
        finally:
            self.depth -= 1

    def _factor(self, token: Token):
        if token.kind == "number":
            text = token.text
            value = float(text.rstrip("%")) / (100 if text.endswith("%") else 1)
            if not math.isfinite(value):
                self.fail(token, f"{text} is not a finite number")
            return Constant(value, text)
        if token.text in ("-", "−"):
            return Unary("-", self.factor())
        if token.text == "(":
            node = self.expression()
            self.expect(")", token)
            return node
        if token.kind == "name":
            if self.peek() is not None and self.peek().text == "(":
                if token.text != "abs":
                    self.fail(token, f"{token.text}(...) is not a function a goal knows "
                                     "(only abs(...))")
                opening = self.next()
                node = self.expression()
                self.expect(")", opening)
                return Unary("abs", node)
            return Name(self.known(token))
        self.fail(token, f"unexpected {token.text!r} where a number or a name should come")

    def expect(self, text: str, opening: Token):
        token = self.next()
        if token is None or token.text != text:
            self.fail(token or opening, "a '(' is never closed")

    def known(self, token: Token) -> str:
        name = token.text
        quantity = QUANTITIES.get(name)
        if quantity is None:
            self.fail(token, f"unknown name {name!r}{suggestion(name, QUANTITIES)} — a goal "
                             f"may use {', '.join(QUANTITIES)}")
        if quantity.kind == "choice":
            self.fail(token, f"{name} is a setting: compare it on its own, e.g. "
                             f"{name} == {quantity.choices[0]}")
        if quantity.task and quantity.task != self.task:
            other = "test_r2, train_r2" if quantity.task == "classification" \
                else "test_acc, train_acc"
            self.fail(token, f"{name} is for {quantity.task}, and this step's dataset is "
                             f"{self.task} (use {other})")
        return name
