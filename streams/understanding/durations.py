"""How long a memory should be, as people say it: "a 3 minute video", "90 s", "half a minute", "a short clip".

Only whole words count, so "Christmas", "Amsterdam", "Thomas" or "Sam's" never read as seconds or minutes (their
"as", "am" and "s" used to), and a unit letter alone ("s", "m") counts only right after digits ("30s", "2 m").
"""

from __future__ import annotations

import re

from streams.understanding.numbers import NUMBER, number

SHORT_S = 30.0  # "a short clip", "a quick video"
LONG_S = 300.0  # "a long video", "the full story"
UNIT_S = {"s": 1.0, "sec": 1.0, "second": 1.0, "m": 60.0, "min": 60.0, "minute": 60.0, "h": 3600.0, "hour": 3600.0}

# "about", "under", "no more than", "or so": a length said roughly is that length
_ROUGHLY = (
    r"(?:(?:about|around|roughly|approximately|some|just|under|over|below|within|up\s+to|less\s+than|more\s+than"
    r"|at\s+most|at\s+least|no\s+(?:more|longer)\s+than|max(?:imum)?|tops)\s+)*"
)
_OR_SO = r"(?:\s+(?:or\s+so|or\s+less|or\s+shorter|max(?:imum)?|tops|at\s+most|long))?"
_SPOKEN = re.compile(
    rf"(?<![\w']){_ROUGHLY}(?P<n>{NUMBER})\s*[- ]?\s*(?P<unit>seconds?|secs?|minutes?|mins?|hours?)(?:[- ]long)?"
    rf"{_OR_SO}(?![\w'])",
    re.IGNORECASE,
)
_ABBREVIATED = re.compile(r"(?<![\w'.])(?P<n>\d+(?:\.\d+)?)\s?(?P<unit>s|m|h)(?![\w'])", re.IGNORECASE)
_HALF_A_MINUTE = re.compile(
    rf"(?<![\w'])(?<!and\s){_ROUGHLY}(?:half\s+a|a\s+half)\s+minute{_OR_SO}(?![\w'])", re.IGNORECASE
)
_A_MINUTE_AND_A_HALF = re.compile(
    rf"(?<![\w']){_ROUGHLY}(?:a|one)\s+minute\s+and\s+a\s+half{_OR_SO}(?![\w'])", re.IGNORECASE
)
_SIZE = re.compile(
    r"(?<![\w'])(?P<size>short|shorter|quick|brief|little|tiny|mini|long|longer|full[- ]length|extended)"
    r"(?=\s+(?:\w+\s+)?(?:video|clip|reel|memory|movie|film|montage|recap|highlights?|one|version|story|summary)\b)",
    re.IGNORECASE,
)
_DECADE = re.compile(r"(?:\bthe|\bearly|\blate|\bmid)\s*$", re.IGNORECASE)  # "the 90s" is a decade
_SIZE_AT_END = re.compile(r"(?<![\w'])(?P<size>short|quick|brief|long)\s*$", re.IGNORECASE)  # "Kyoto in April, short"
_SHORT = {"short", "shorter", "quick", "brief", "little", "tiny", "mini"}


def take_duration(text: str) -> tuple[float | None, str]:
    """Seconds said in ``text`` (None when none) and the text without the words that said it."""
    for pattern, value in ((_A_MINUTE_AND_A_HALF, 90.0), (_HALF_A_MINUTE, 30.0)):
        if (match := pattern.search(text)) is not None:
            return value, _cut(text, match)
    for pattern in (_SPOKEN, _ABBREVIATED):
        for match in pattern.finditer(text):
            amount = number(match["n"])
            unit = match["unit"].lower().rstrip("s") or match["unit"].lower()
            if amount is None or amount <= 0 or _DECADE.search(text[: match.start()]):
                continue
            return amount * UNIT_S[unit if unit in UNIT_S else unit[0]], _cut(text, match)
    if (match := _SIZE.search(text) or _SIZE_AT_END.search(text)) is not None:
        return (SHORT_S if match["size"].lower() in _SHORT else LONG_S), _cut(text, match)
    return None, text


def _cut(text: str, match: re.Match[str]) -> str:
    return text[: match.start()] + " " + text[match.end() :]
