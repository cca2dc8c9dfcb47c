"""Help text in Chinese at 80 columns. click wraps by counting characters, but a Chinese character takes two
columns of a terminal and Chinese puts no spaces between words: a Chinese option help ran past the screen's edge
in one unbroken line. Here click counts columns (unicodedata's East Asian width) and may break a line between
any two Chinese characters."""

from __future__ import annotations

import re
import unicodedata

WIDE = re.compile(r"([\u2e80-\u9fff\u3000-\u303f\uf900-\ufaff\uff00-\uffef])")
"""A CJK character or full-width form: each one a place a line may break."""
CLOSING, OPENING = "，。；：、！？）》」』】〉", "（《「『【〈"


def columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def fit_click() -> None:
    """Once per process. click before 8.2 measured with `len` inside its wrapper: left as it is there."""
    from click import _compat, _textwrap, formatting

    if getattr(fit_click, "done", False) or not hasattr(_textwrap, "term_len"):
        return
    strip = _compat.strip_ansi

    def term_columns(text: str) -> int:
        return columns(strip(text))

    _textwrap.term_len = formatting.term_len = term_columns
    split = _textwrap.TextWrapper._split

    def split_between_wide(self, text: str) -> list[str]:
        pieces: list[str] = []
        for piece in (piece for chunk in split(self, text) for piece in WIDE.split(chunk) if piece):
            if pieces and (piece[0] in CLOSING or pieces[-1][-1] in OPENING):
                pieces[-1] += piece  # 禁则: no line starts with a stop or a closing bracket, none ends opening one
            else:
                pieces.append(piece)
        return pieces

    _textwrap.TextWrapper._split = split_between_wide
    fit_click.done = True
