"""Numbers as people say them: "3", "2.5", "two", "twenty five", "a", "a couple of", "a few", "half a"."""

from __future__ import annotations

import re

UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen".split()
UNITS += "seventeen eighteen nineteen".split()
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
WORDS: dict[str, float] = {w: float(i) for i, w in enumerate(UNITS)} | {w: float(v) for w, v in TENS.items()}
WORDS |= {"a": 1.0, "an": 1.0, "a couple of": 2.0, "a couple": 2.0, "couple of": 2.0, "a few": 3.0, "few": 3.0}
WORDS |= {"several": 3.0, "half a": 0.5, "half an": 0.5, "a dozen": 12.0, "a half": 0.5}

_TENS = "|".join(TENS)
_WORD_NUMBER = (
    rf"(?:(?:{_TENS})(?:[- ](?:{'|'.join(UNITS[1:10])}))?|"
    + "|".join(re.escape(w) for w in sorted(set(WORDS) - set(TENS), key=len, reverse=True))
    + ")"
)
# digits, or words; "and a half" may follow either ("one and a half", "2 and a half")
NUMBER = rf"(?:\d+(?:\.\d+)?|{_WORD_NUMBER})(?:\s+and\s+a\s+half)?"


def number(said: str) -> float | None:
    """The value of a NUMBER match; None for anything else."""
    text = " ".join(said.lower().replace("-", " ").split())
    extra = 0.0
    if text.endswith(" and a half"):
        text, extra = text[: -len(" and a half")], 0.5
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text) + extra
    if text in WORDS:
        return WORDS[text] + extra
    parts = text.split()
    if len(parts) == 2 and parts[0] in TENS and parts[1] in UNITS:
        return TENS[parts[0]] + UNITS.index(parts[1]) + extra
    return None


ORDINALS = {
    w: i
    for i, w in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth"
        " fifteenth sixteenth seventeenth eighteenth nineteenth twentieth".split(),
        1,
    )
}
ORDINALS |= {f"twenty {w}": 20 + i for w, i in list(ORDINALS.items())[:9]} | {"thirtieth": 30, "thirty first": 31}
_SUFFIX = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}
_TEEN_YEARS = {"nineteen": 1900, "twenty": 2000}
_TWO_DIGITS = rf"(?:{_TENS})(?:[- ](?:{'|'.join(UNITS[1:10])}))?|{'|'.join(UNITS[10:])}"
_SPOKEN_YEAR = re.compile(
    rf"\b(?P<century>nineteen|twenty)[- ](?P<rest>{_TWO_DIGITS})\b"
    rf"|\btwo\s+thousand(?:\s+and)?(?:\s+(?P<small>{_TWO_DIGITS}|{'|'.join(UNITS[1:10])}))?\b",
    re.IGNORECASE,
)
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_ORDINAL = "|".join(sorted((w.replace(" ", r"[- ]") for w in ORDINALS), key=len, reverse=True))
_ORDINAL_DATE = re.compile(
    rf"\b(?P<a>{_ORDINAL})(?=\s+(?:of\s+)?(?:{_MONTHS})\b)|\b(?:{_MONTHS})\s+(?:the\s+)?(?P<b>{_ORDINAL})\b",
    re.IGNORECASE,
)


def spoken_dates(text: str) -> str:
    """Years and days of the month said in words, as digits: "twenty twenty four" → "2024", "the fourteenth of
    September" → "the 14th of September" (ordinals only beside a month: "the first time" stays)."""

    def year(m: re.Match[str]) -> str:
        if m["century"]:
            tail = number(m["rest"])
            return m[0] if tail is None or tail < 10 else str(_TEEN_YEARS[m["century"].lower()] + int(tail))
        return str(2000 + int(number(m["small"]) or 0)) if m["small"] else "2000"

    def day(m: re.Match[str]) -> str:
        word = " ".join((m["a"] or m["b"]).lower().replace("-", " ").split())
        value = ORDINALS[word]
        return m[0].replace(m["a"] or m["b"], f"{value}{_SUFFIX.get(value, 'th')}")

    return _ORDINAL_DATE.sub(day, _SPOKEN_YEAR.sub(year, text))
