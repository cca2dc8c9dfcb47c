"""The language people read (界面语言): Simplified Chinese under a Chinese locale or `YIBAO_LANG=zh_CN`, English
otherwise (DESIGN.md). Rule ids, JSON keys and JSON values never pass through here: scripts depend on them.

Messages are written in English in the code and looked up in gettext catalogs (`ledger/locale/<lang>/LC_MESSAGES/
yibao.po`, managed with Babel: docs/translating.md), compiled to `.mo` when the package is built. A checkout run
in place has no `.mo`: the `.po` is compiled in memory by Babel (a test extra) on first use.

The language is read from the environment at each lookup, so one process (a test) may ask in both languages.
What the ledger stores in English and shows to people (a reason) is marked with `N_` where it is made and read
through `reworded` where it is shown.
"""

from __future__ import annotations

import functools
import gettext as _gettext
import os
import re
import string
from dataclasses import dataclass
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "yibao"
LANGUAGES = ("zh_CN", "en")


def language() -> str:
    """`YIBAO_LANG` if set, else the POSIX locale's messages category (LC_ALL, LC_MESSAGES, LANG): `zh_CN` for
    any Chinese locale, `en` for anything else."""
    chosen = os.environ.get("YIBAO_LANG") or next(
        (os.environ[name] for name in ("LC_ALL", "LC_MESSAGES", "LANG") if os.environ.get(name)), "")
    return "zh_CN" if chosen.lower().startswith("zh") else "en"


@functools.cache
def catalog(lang: str, domain: str = DOMAIN) -> _gettext.NullTranslations:
    """The compiled catalog of `lang`, or the `.po` compiled now when no `.mo` was built (a checkout)."""
    if lang == "en":
        return _gettext.NullTranslations()
    compiled = LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.mo"
    if compiled.exists():
        with compiled.open("rb") as file:
            return _gettext.GNUTranslations(file)
    return _compiled_now(LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po")


def _compiled_now(source: Path) -> _gettext.NullTranslations:
    try:
        from io import BytesIO

        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po
    except ImportError:  # an install without its catalogs and without Babel: English, rather than nothing
        return _gettext.NullTranslations()
    if not source.exists():
        return _gettext.NullTranslations()
    with source.open("rb") as file:
        messages = read_po(file)
    buffer = BytesIO()
    write_mo(buffer, messages)
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def _(message: str) -> str:
    """`message` in the reader's language."""
    return catalog(language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return catalog(language()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """`message` in the reader's language, as meant in `context` (`event`, `term`): the same English word may
    have two Chinese ones."""
    return catalog(language()).pgettext(context, message)


def translated(message: str) -> str:
    """A message marked where it is defined (`N_`, a command's docstring, a `help=`, a column header), looked up
    where it is shown."""
    return catalog(language()).gettext(message)


def N_(message: str) -> str:
    """Marks `message` for the catalog where it is defined; it is translated where it is shown, with `_`."""
    return message


def term(value: object) -> str:
    """A code shown to a person (a scheme, a month's state, a kind, a field's name) in the reader's language;
    a code the catalog does not know is shown as it is."""
    return catalog(language()).pgettext("term", str(value))


def event_name(name: str) -> str:
    """An event's class name (`PersonRegistered`) as a person reads it (参保登记)."""
    return catalog(language()).pgettext("event", name)


RULE = re.compile(r"(?P<rule>[A-Z]+(?:-\d+)?): (?P<message>.+)", re.DOTALL)
"""A refusal's text as RuleViolation writes it (`CON-6: wrong amount: ...`): the rule id, then the message."""
RULE_NAMED = re.compile(r"\b[A-Z]+-\d+\b")
"""A rule id inside a template's literal text."""
WORD = re.compile(r"[^\W\d_]{2}")
"""A word: a template whose literal text has none is placeholders between punctuation."""


def reworded(text: str) -> str:
    """A text the ledger stores in English and shows to people (a reason, an account movement's detail) in the
    reader's language; what is stored, and JSON, keep the English.

    The catalog is the only source: the exact message's translation, else the first message template that matches
    the whole text (`WAIT-3: contributions stopped from {month}`, marked with `N_` where the text is made), its
    translation holding the values read back from the text, each value reworded in turn (reasons nest) or shown
    through `term` (a code). Templates are tried the most specific first (the longest literal start, then the
    most literal text); one matches only when it reads each value back whole (`_whole`), so that free text (a
    clerk's note, a policy value's source) is never taken apart by a screen's message that happens to fit it.
    A refusal's text keeps its rule id and has its message reworded. A text the catalog does not know is shown
    as it is.
    """
    if not text or language() == "en":
        return text
    translations = catalog(language())
    exact = translations.gettext(text)
    if exact != text:
        return exact
    for template in _templates(translations).candidates(text):
        found = template.pattern.fullmatch(text)
        values = _read(found) if found else None
        if values is not None:
            return template.translation.format(**values)
    refusal = RULE.fullmatch(text)
    return f"{refusal['rule']}: {reworded(refusal['message'])}" if refusal else text


def _read(found: re.Match) -> dict[str, str] | None:
    """The values a template read back from a text, each as the reader reads it; None when one is not whole."""
    values = {}
    for name, value in found.groupdict().items():
        values[name] = _value(value)
        if not _whole(value, values[name]):
            return None
    return values


def _whole(value: str, said: str) -> bool:
    """Whether a value read back from a text is one value, not a stretch of words a placeholder swallowed: a
    single word or a list of them ("低保, 特困"), or a text the catalog knows that is not the tail of a sentence
    joined to another rule's ("2024-04; WAIT-9: ...", read by a template ending in a placeholder)."""
    if said == value:
        return all(" " not in item for item in value.split(", "))
    return RULE.match(value) is not None or RULE_NAMED.search(value) is None


def _value(value: str) -> str:
    """A value read back from a template: a stored text of its own (reasons nest), else a code."""
    said = reworded(value)
    return said if said != value else term(value)


@dataclass(frozen=True)
class _Template:
    pattern: re.Pattern
    translation: str
    written: int
    """How much of it is literal text: of two templates that both match, the more written out is the more
    specific."""
    names_rule: bool


@dataclass(frozen=True)
class _Templates:
    """A catalog's message templates indexed by their literal text before the first placeholder: a text is tried
    only against the templates it begins like (the longest beginning first), not against them all."""

    by_start: dict[str, list[_Template]]
    lengths: list[int]

    def candidates(self, text: str) -> list[_Template]:
        found = [t for length in self.lengths if length <= len(text) for t in self.by_start.get(text[:length], ())]
        # A text beginning with a rule id is that rule's sentence: a template that begins with a placeholder is
        # all of it only when the template names a rule itself ("{reason}; WAIT-9: employee benefits first").
        rule_first = RULE.match(text) is not None
        return found + [t for t in self.by_start.get("", ()) if t.names_rule or not rule_first]


@functools.lru_cache(maxsize=None)
def _templates(translations: _gettext.NullTranslations) -> _Templates:
    """The message templates (named placeholders, no context, no plural) of a compiled catalog, compiled once."""
    by_start: dict[str, list[_Template]] = {}
    for message, translation in getattr(translations, "_catalog", {}).items():
        if isinstance(message, str) and "\x04" not in message:
            start, template = _template(message, translation)
            if template is not None:
                by_start.setdefault(start, []).append(template)
    for templates in by_start.values():
        templates.sort(key=lambda t: -t.written)
    return _Templates(by_start, sorted((len(start) for start in by_start if start), reverse=True))


def _template(message: str, translation: str) -> tuple[str, _Template | None]:
    """The literal start of a message and the message as a template, None when it has no named placeholder or
    one that cannot be read back from a text (a conversion or a format: `{value!r}`, `{done:,}`)."""
    try:
        parts = list(string.Formatter().parse(message))
    except ValueError:
        return "", None
    placeholders = [(name, spec, conversion) for _literal, name, spec, conversion in parts if name is not None]
    written = "".join(literal for literal, *_rest in parts)
    # Placeholders between punctuation alone ("{name}: {roles}") would match any text: they say nothing of it.
    if not placeholders or not WORD.search(written) or any(
            not name.isidentifier() or spec or conversion for name, spec, conversion in placeholders):
        return "", None
    pattern, seen = [], set()
    for literal, name, _spec, _conversion in parts:
        pattern.append(re.escape(literal))
        if name is not None:
            pattern.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
            seen.add(name)
    return parts[0][0], _Template(re.compile("".join(pattern), re.DOTALL), translation, len(written),
                                  RULE_NAMED.search(written) is not None)
