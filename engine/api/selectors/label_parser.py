"""The label selector grammar: apimachinery's lexer and recursive-descent parser, ported
token for token so every accepted string, rejected string and error message is upstream's.
"""

from __future__ import annotations

from .errors import SelectorError
from .labels import (
    BINARY_OPERATORS,
    DOES_NOT_EXIST,
    DOUBLE_EQUALS,
    EQUALS,
    EXISTS,
    GREATER_THAN,
    IN,
    LESS_THAN,
    NOT_EQUALS,
    NOT_IN,
    LabelSelector,
    Requirement,
    new_requirement,
)
from .validation import invalid, is_qualified_name

# ---- lexer -------------------------------------------------------------------------------

(
    ERROR,
    END,
    CLOSED_PAR,
    COMMA,
    NOT,
    DOUBLE_EQ,
    EQ,
    GT,
    IDENT,
    IN_TOK,
    LT,
    NOT_EQ,
    NOT_IN_TOK,
    OPEN_PAR,
) = range(14)
_STRING_TO_TOKEN = {
    ")": CLOSED_PAR,
    ",": COMMA,
    "!": NOT,
    "==": DOUBLE_EQ,
    "=": EQ,
    ">": GT,
    "in": IN_TOK,
    "<": LT,
    "!=": NOT_EQ,
    "notin": NOT_IN_TOK,
    "(": OPEN_PAR,
}
_SPECIAL = frozenset("=!(),><")
_WHITESPACE = frozenset(" \t\r\n")
_EOF = "\0"  # Go's lexer reads a zero byte at the end (and stops at an embedded one too)


class _Lexer:
    def __init__(self, text: str) -> None:
        self.s = text
        self.pos = 0

    def read(self) -> str:
        if self.pos < len(self.s):
            ch = self.s[self.pos]
            self.pos += 1
            return ch
        return _EOF

    def unread(self) -> None:
        self.pos -= 1

    def scan_id_or_keyword(self) -> tuple[int, str]:
        buf = []
        while True:
            ch = self.read()
            if ch == _EOF:
                break
            if ch in _SPECIAL or ch in _WHITESPACE:
                self.unread()
                break
            buf.append(ch)
        text = "".join(buf)
        return _STRING_TO_TOKEN.get(text, IDENT), text

    def scan_special_symbol(self) -> tuple[int, str]:
        last: tuple[int, str] | None = None
        buf = ""
        while True:
            ch = self.read()
            if ch == _EOF:
                break
            if ch in _SPECIAL:
                buf += ch
                token = _STRING_TO_TOKEN.get(buf)
                if token is not None:
                    last = (token, buf)
                elif last is not None:
                    self.unread()
                    break
            else:
                self.unread()
                break
        if last is None:
            return ERROR, f"error expected: keyword found '{buf}'"
        return last

    def lex(self) -> tuple[int, str]:
        ch = self.read()
        while ch in _WHITESPACE:
            ch = self.read()
        if ch == _EOF:
            return END, ""
        self.unread()
        if ch in _SPECIAL:
            return self.scan_special_symbol()
        return self.scan_id_or_keyword()


# ---- parser ------------------------------------------------------------------------------

_KEY_AND_OPERATOR, _VALUES = 0, 1


class _Parser:
    def __init__(self, text: str) -> None:
        lexer = _Lexer(text)
        self.items: list[tuple[int, str]] = []
        while True:
            item = lexer.lex()
            self.items.append(item)
            if item[0] == END:
                break
        self.position = 0

    def lookahead(self, context: int) -> tuple[int, str]:
        return self._in_context(self.items[self.position], context)

    def consume(self, context: int) -> tuple[int, str]:
        self.position += 1
        return self._in_context(self.items[self.position - 1], context)

    @staticmethod
    def _in_context(item: tuple[int, str], context: int) -> tuple[int, str]:
        # 'in' and 'notin' are plain identifiers where a value is expected ("x in (in)").
        if context == _VALUES and item[0] in (IN_TOK, NOT_IN_TOK):
            return IDENT, item[1]
        return item

    def parse(self) -> list[Requirement]:
        requirements: list[Requirement] = []
        while True:
            tok, lit = self.lookahead(_VALUES)
            if tok in (IDENT, NOT):
                try:
                    requirements.append(self.parse_requirement())
                except SelectorError as err:
                    raise SelectorError(f"unable to parse requirement: {err.message}") from None
                t, lit2 = self.consume(_VALUES)
                if t == END:
                    return requirements
                if t == COMMA:
                    t2, lit3 = self.lookahead(_VALUES)
                    if t2 not in (IDENT, NOT):
                        raise SelectorError(f"found '{lit3}', expected: identifier after ','")
                else:
                    raise SelectorError(f"found '{lit2}', expected: ',' or 'end of string'")
            elif tok == END:
                return requirements
            else:
                raise SelectorError(f"found '{lit}', expected: !, identifier, or 'end of string'")

    def parse_requirement(self) -> Requirement:
        key, operator = self.parse_key_and_infer_operator()
        if operator in (EXISTS, DOES_NOT_EXIST):
            return new_requirement(key, operator, ())
        operator = self.parse_operator()
        in_set = operator in (IN, NOT_IN)
        values = self.parse_values() if in_set else self.parse_exact_value()
        return new_requirement(key, operator, sorted(values))

    def parse_key_and_infer_operator(self) -> tuple[str, str]:
        operator = ""
        tok, literal = self.consume(_VALUES)
        if tok == NOT:
            operator = DOES_NOT_EXIST
            tok, literal = self.consume(_VALUES)
        if tok != IDENT:
            raise SelectorError(f"found '{literal}', expected: identifier")
        key_errs = is_qualified_name(literal)
        if key_errs:
            # Upstream validates with a nil field path, which prints as "<nil>".
            raise SelectorError(invalid("<nil>", literal, "; ".join(key_errs)))
        t, _ = self.lookahead(_VALUES)
        if t in (END, COMMA) and operator != DOES_NOT_EXIST:
            operator = EXISTS
        return literal, operator

    def parse_operator(self) -> str:
        tok, lit = self.consume(_KEY_AND_OPERATOR)
        operator = {
            IN_TOK: IN,
            EQ: EQUALS,
            DOUBLE_EQ: DOUBLE_EQUALS,
            GT: GREATER_THAN,
            LT: LESS_THAN,
            NOT_IN_TOK: NOT_IN,
            NOT_EQ: NOT_EQUALS,
        }.get(tok)
        if operator is None:
            raise SelectorError(f"found '{lit}', expected: {', '.join(BINARY_OPERATORS)}")
        return operator

    def parse_values(self) -> set[str]:
        tok, lit = self.consume(_VALUES)
        if tok != OPEN_PAR:
            raise SelectorError(f"found '{lit}' expected: '('")
        tok, lit = self.lookahead(_VALUES)
        if tok in (IDENT, COMMA):
            values = self.parse_identifiers_list()
            tok, _ = self.consume(_VALUES)
            if tok != CLOSED_PAR:
                # upstream reports the literal it looked at before the list, not the last one
                raise SelectorError(f"found '{lit}', expected: ')'")
            return values
        if tok == CLOSED_PAR:  # "()"
            self.consume(_VALUES)
            return {""}
        raise SelectorError(f"found '{lit}', expected: ',', ')' or identifier")

    def parse_identifiers_list(self) -> set[str]:
        values: set[str] = set()
        while True:
            tok, lit = self.consume(_VALUES)
            if tok == IDENT:
                values.add(lit)
                tok2, lit2 = self.lookahead(_VALUES)
                if tok2 == COMMA:
                    continue
                if tok2 == CLOSED_PAR:
                    return values
                raise SelectorError(f"found '{lit2}', expected: ',' or ')'")
            if tok == COMMA:  # "(," ",)" and ",," stand for empty values
                if not values:
                    values.add("")
                tok2, _ = self.lookahead(_VALUES)
                if tok2 == CLOSED_PAR:
                    values.add("")
                    return values
                if tok2 == COMMA:
                    values.add("")
            else:
                raise SelectorError(f"found '{lit}', expected: ',', or identifier")

    def parse_exact_value(self) -> set[str]:
        tok, _ = self.lookahead(_VALUES)
        if tok in (END, COMMA):
            return {""}
        tok, lit = self.consume(_VALUES)
        if tok == IDENT:
            return {lit}
        raise SelectorError(f"found '{lit}', expected: identifier")


def parse_label_selector(text: str) -> LabelSelector:
    """labels.Parse: the `labelSelector` query parameter. Raises SelectorError."""
    return LabelSelector(_Parser(text).parse())
