"""Times in requests: "last Christmas", "two weeks ago", "between May and July 2024", "this morning", "2024".

A small grammar of our own finds the time phrase (whole words only) and decides the window it means; dateparser
reads the dates inside it (weekdays, "3 days ago", "14 July 2025"). Windows are [start, end) in the zone of
``now``: a day is midnight to midnight there. Conventions, fixed here once:

- a month, season or holiday said without a year is the latest one that has begun (``yearless``: planning may move
  it to an earlier year in which the user's other criteria have clips); "last summer" is the latest one that ended;
- seasons are the northern meteorological ones (winter 2025 = December 2025 to February 2026);
- a week is Monday to Sunday; "N weeks ago" is the week that contains the day N weeks back;
- morning 05–12, afternoon 12–17, evening 17–24, night 17 to 05 the next day;
- Christmas is 24–26 December, Easter Good Friday to Easter Monday, New Year's Eve 31 December.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, tzinfo
from functools import lru_cache

from dateutil.easter import easter

from streams.understanding.numbers import NUMBER, number

MONTHS = {
    m: i
    for i, m in enumerate(
        "january february march april may june july august september october november december".split(), 1
    )
}
MONTHS |= {m[:3]: i for m, i in list(MONTHS.items()) if m != "may"} | {"sept": 9}
SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}  # first month
WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
PARTS = {"morning": (5, 12), "afternoon": (12, 17), "evening": (17, 24), "night": (17, 29), "tonight": (17, 24)}
# (month, first day, days) of holidays on a fixed date; Easter moves, Thanksgiving is a weekday of November
HOLIDAYS = {
    "christmas eve": (12, 24, 1),
    "christmas day": (12, 25, 1),
    "christmas": (12, 24, 3),
    "xmas": (12, 24, 3),
    "new year's eve": (12, 31, 1),
    "new years eve": (12, 31, 1),
    "nye": (12, 31, 1),
    "new year's day": (1, 1, 1),
    "new years day": (1, 1, 1),
    "new year's": (12, 31, 2),
    "new years": (12, 31, 2),
    "new year": (12, 31, 2),
    "boxing day": (12, 26, 1),
    "halloween": (10, 31, 1),
    "valentine's day": (2, 14, 1),
    "valentines day": (2, 14, 1),
    "valentine's": (2, 14, 1),
}
MOVABLE = ("easter", "thanksgiving")
TIME_WORDS = {*MONTHS, *SEASONS, *WEEKDAYS, "tonight", "today", "yesterday", "week", "weekend", "month", "year"}
TIME_WORDS |= {"last", "this", "past", "christmas", "xmas", "easter", "eve", "halloween", "thanksgiving", "new"}
TIME_WORDS |= {"weekends", "christmases", "easters", "summers", "winters", "springs", "autumns", "holidays"}

_Y = r"(?:19[7-9]\d|20\d\d)"
_MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_SEASON = r"(?:" + "|".join(SEASONS) + r")"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_WEEKDAY = r"(?:" + "|".join(WEEKDAYS) + r")"
_HOLIDAY = r"(?:" + "|".join(re.escape(h) for h in sorted([*HOLIDAYS, *MOVABLE], key=len, reverse=True)) + r")"
_PART = r"(?:morning|afternoon|evening|night)"
_UNIT = r"(?:days?|weeks?|months?|years?|fortnights?)"
# A date dateparser reads: "14 July 2025", "July 14th", "the 3rd of May", "2025-07-14"
_DATE = (
    rf"(?:\d{{4}}-\d{{2}}-\d{{2}}|(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_Y})?"
    rf"|{_MONTH}\s+(?:the\s+)?{_DAY}(?:,?\s+{_Y})?(?![\d:]))"
)
# Ends of a range: a date, a month or a season with an optional year, or a year
_END = rf"(?:{_DATE}|(?:{_MONTH}|{_SEASON}|{_HOLIDAY})(?:\s+(?:of\s+)?{_Y})?|{_Y})"


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime
    said: str
    yearless: bool = False  # no year was said: the same window a year earlier means the same to the user
    # the same words said of ``n`` years earlier (Easter moves, "the first weekend of May" is another date)
    earlier: Callable[[int], Window] | None = field(default=None, compare=False, repr=False)

    def years_back(self, years: int) -> Window:
        if self.earlier is not None:
            return replace(self.earlier(years), said=self.said, yearless=self.yearless)
        return replace(self, start=_shift_years(self.start, years), end=_shift_years(self.end, years))


def is_time_word(word: str) -> bool:
    return word.lower() in TIME_WORDS


def take_time(text: str, now: datetime) -> tuple[Window | None, str]:
    """The first time phrase (most specific rules first) as a window, and the text without it."""
    clock = _Clock(now)
    for pattern, meaning in _RULES:
        for match in pattern.finditer(text):
            window = meaning(clock, match)
            if window is None:
                continue
            rest = text[: match.start()] + " " + text[match.end() :]
            if re.match(r"since\b", match[0], re.IGNORECASE):  # "since March": from its start until now
                window = replace(window, end=clock.now)
            return replace(window, said=_without_preposition(window.said)), rest
    return None, text


def _without_preposition(said: str) -> str:
    """What was said of the time itself: "in March" → "March"; a range keeps its "from … to"."""
    if re.search(r"\s(?:to|until|till|through|and|-)\s", said):
        return said
    said = re.sub(r"^(?:in|on|during|over|at|from|since|around|of)\s+(?=\S)", "", said, flags=re.IGNORECASE)
    return re.sub(r"^the\s+(?=\S)", "", said, flags=re.IGNORECASE)


class _Clock:
    """``now`` and the zone windows are in; dates from dateparser are read relative to it."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.zone: tzinfo = now.tzinfo or datetime.now().astimezone().tzinfo  # type: ignore[assignment]
        self.today = now.date()

    def at(self, day: date, hour: int = 0) -> datetime:
        return datetime.combine(day, time(), self.zone) + timedelta(hours=hour)

    def days(self, first: date, count: int = 1, said: str = "", yearless: bool = False) -> Window:
        return Window(self.at(first), self.at(first + timedelta(days=count)), said, yearless)

    def parse(self, text: str) -> tuple[date, str] | None:
        """(date, period) of a date phrase, relative to now; None when dateparser cannot read it."""
        found = _parser(self.now.replace(tzinfo=None)).get_date_data(text)
        if found.date_obj is None:
            return None
        return found.date_obj.date(), found.period


@lru_cache(maxsize=8)
def _parser(base: datetime):  # type: ignore[no-untyped-def]
    from dateparser.date import DateDataParser  # noqa: PLC0415 - imports its language data (~0.3 s)

    settings = {"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past", "RETURN_TIME_AS_PERIOD": True}
    return DateDataParser(languages=["en"], settings=settings | {"PREFER_DAY_OF_MONTH": "first"})


def _shift_years(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def _month_window(clock: _Clock, year: int, month: int, count: int = 1, said: str = "", yearless: bool = False):  # type: ignore[no-untyped-def]
    first = date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    last = month + count
    after = date(year + (last - 1) // 12, (last - 1) % 12 + 1, 1)
    return Window(clock.at(first), clock.at(after), said, yearless)


def _latest_begun(clock: _Clock, window_of: Callable[[int], Window], back: int = 0) -> Window:
    """The latest year's window that has begun by now (``back`` more years before it)."""
    year = clock.now.year + 1
    while window_of(year).start > clock.now:
        year -= 1
    return _in_year(window_of, year - back)


def _latest_ended(clock: _Clock, window_of: Callable[[int], Window], back: int = 0) -> Window:
    """The latest year's window that has ended by now ("last summer"; ``back``: "the summer before last")."""
    year = clock.now.year
    while window_of(year).end > clock.now:
        year -= 1
    return _in_year(window_of, year - back)


def _in_year(window_of: Callable[[int], Window], year: int) -> Window:
    return replace(window_of(year), earlier=lambda years: window_of(year - years))


def _year_of(text: str) -> int | None:
    found = re.search(rf"\b{_Y}\b", text)
    return int(found[0]) if found else None


def _month_of(text: str) -> int | None:
    found = re.search(rf"\b{_MONTH}", text, re.I)
    return MONTHS[found[0].lower().rstrip(".")] if found else None


def _season_window(clock: _Clock, name: str, year: int, said: str, yearless: bool = False) -> Window:
    return _month_window(clock, year, SEASONS[name.lower()], 3, said, yearless)


def _holiday_window(clock: _Clock, name: str, year: int, said: str, yearless: bool = False) -> Window:
    name = name.lower().replace("’", "'")
    if name == "easter":
        sunday = easter(year)
        return clock.days(sunday - timedelta(days=2), 4, said, yearless)
    if name == "thanksgiving":  # the fourth Thursday of November (the US one)
        first = date(year, 11, 1)
        thursday = first + timedelta(days=(3 - first.weekday()) % 7 + 21)
        return clock.days(thursday, 1, said, yearless)
    month, day, count = HOLIDAYS[name]
    return clock.days(date(year, month, day), count, said, yearless)


def _end_window(clock: _Clock, text: str, year: int | None) -> Window | None:
    """One end of a range, in ``year`` when it names none itself."""
    text = text.strip()
    own = _year_of(text)
    holiday = re.match(_HOLIDAY, text, re.I)
    if holiday:
        chosen = own or year
        if chosen is None:
            return _latest_begun(clock, lambda y: _holiday_window(clock, holiday[0], y, text, True))
        return _holiday_window(clock, holiday[0], chosen, text)
    if re.fullmatch(_Y, text):
        return _month_window(clock, int(text), 1, 12, text)
    season = re.match(_SEASON, text, re.I)
    if season:
        chosen = own or year
        if chosen is None:
            return _latest_begun(clock, lambda y: _season_window(clock, season[0], y, text, True))
        return _season_window(clock, season[0], chosen, text)
    if re.fullmatch(rf"{_MONTH}(?:\s+(?:of\s+)?{_Y})?", text, re.I):
        month = _month_of(text)
        assert month is not None
        chosen = own or year
        if chosen is None:
            return _latest_begun(clock, lambda y: _month_window(clock, y, month, 1, text, True))
        return _month_window(clock, chosen, month, 1, text)
    parsed = clock.parse(text if own or year is None else f"{text} {year}")
    return clock.days(parsed[0], 1, text, own is None and year is None) if parsed else None


def _range(clock: _Clock, m: re.Match[str]) -> Window | None:
    """'between May and July 2024', 'from March to May': a year said once holds for both ends."""
    year = _year_of(m["b"]) or _year_of(m["a"])
    b = _end_window(clock, m["b"], year)
    a = _end_window(clock, m["a"], year)
    if a is None or b is None:
        return None
    if a.start >= b.end:  # "from November to February 2025": the first end is the year before
        a = a.years_back(1)
    if year is None and b.start > clock.now:
        a, b = a.years_back(1), b.years_back(1)
    return Window(a.start, b.end, m[0].strip(), yearless=year is None)


def _nth_week(clock: _Clock, m: re.Match[str]) -> Window:
    """'the first week of June': days 1-7; 'the last week of June': its last seven days."""
    month = _month_of(m["month"])
    assert month is not None
    year = _year_of(m[0])

    def window_of(y: int) -> Window:
        whole = _month_window(clock, y, month, 1, m[0].strip(), year is None)
        if m["nth"].lower() == "last":
            return replace(whole, start=whole.end - timedelta(days=7))
        index = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3, "4th": 3}
        start = whole.start + timedelta(days=7 * index[m["nth"].lower()])
        return replace(whole, start=start, end=start + timedelta(days=7))

    return window_of(year) if year else _latest_begun(clock, window_of)


def _day_range(clock: _Clock, m: re.Match[str]) -> Window | None:
    """'from the 1st to the 10th of June', 'June 1st to 10th', '1-10 June 2025': days of one month."""
    month = _month_of(m["month"])
    assert month is not None
    first, last = (int(re.match(r"\d+", m[k])[0]) for k in ("a", "b"))  # type: ignore[index]
    year = _year_of(m[0])
    if first > last:
        return None

    def window_of(y: int) -> Window:
        start = date(y, month, first)
        return clock.days(start, last - first + 1, m[0].strip(), year is None)

    try:
        return window_of(year) if year else _latest_begun(clock, window_of)
    except ValueError:  # "the 31st of June"
        return None


def _weekend(clock: _Clock, m: re.Match[str]) -> Window | None:
    """'the weekend before last'; 'the first weekend of May' (its first Saturday and the Sunday after)."""
    said = m[0].strip()
    if m["month"] is None:
        monday = clock.today - timedelta(days=clock.today.weekday())
        return clock.days(monday - timedelta(days=9), 2, said)
    month = _month_of(m["month"])
    assert month is not None
    year = _year_of(m[0])

    def window_of(y: int) -> Window:
        first = date(y, month, 1)
        saturday = first + timedelta(days=(5 - first.weekday()) % 7)
        if (m["nth"] or "").lower() == "last":
            following = date(y + month // 12, month % 12 + 1, 1)
            saturday = following - timedelta(days=(following.weekday() - 5) % 7 or 7)
        else:
            index = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3, "4th": 3}
            saturday += timedelta(weeks=index[(m["nth"] or "first").lower()])
        return clock.days(saturday, 2, said, year is None)

    return window_of(year) if year else _latest_begun(clock, window_of)


def _holiday(clock: _Clock, m: re.Match[str]) -> Window:
    name, said, which = m["holiday"], m[0].strip(), (m["which"] or "").lower()
    year = _year_of(m[0])
    if year is not None:
        window = _holiday_window(clock, name, year, said)
    elif which == "last" or m["before"]:
        window = _latest_ended(clock, lambda y: _holiday_window(clock, name, y, said), back=1 if m["before"] else 0)
    else:
        window = _latest_begun(clock, lambda y: _holiday_window(clock, name, y, said, which != "this"))
    if m["part"]:  # "Christmas morning": the holiday's main day
        main = window.start if window.end - window.start <= timedelta(days=1) else window.start + timedelta(days=1)
        return _part_window(clock, main.date(), m["part"], said)
    return window


def _part_window(clock: _Clock, day: date, part: str, said: str) -> Window:
    first, last = PARTS[part.lower()]
    return Window(clock.at(day, first), clock.at(day, last), said)


def _part_of_day(clock: _Clock, m: re.Match[str]) -> Window | None:
    """'this morning', 'Saturday night', 'tonight'. A part of the day alone ("at night") says what is seen, not
    when: it stays a search word."""
    which, part = (m["which"] or "").lower(), (m["part"] or "tonight").lower()
    if part == "tonight":
        return _part_window(clock, clock.today, part, m[0].strip())
    if which in ("this", "", "today"):
        day = clock.today
    elif which in ("yesterday", "last"):
        day = clock.today - timedelta(days=1)
    else:  # a weekday: the latest one before today
        parsed = clock.parse(f"last {which}")
        if parsed is None:
            return None
        day = parsed[0]
    return _part_window(clock, day, part, m[0].strip())


def _season(clock: _Clock, m: re.Match[str]) -> Window:
    name, said, which = m["season"], m[0].strip(), (m["which"] or "").lower()
    year = _year_of(m[0])
    if year is not None:
        return _season_window(clock, name, year, said)
    if which in ("last", "past") or m["before"]:
        return _latest_ended(clock, lambda y: _season_window(clock, name, y, said), back=1 if m["before"] else 0)
    return _latest_begun(clock, lambda y: _season_window(clock, name, y, said, which != "this"))


def _seasons_ago(clock: _Clock, m: re.Match[str]) -> Window | None:
    """'two summers ago': the summer before last; 'a winter ago': last winter."""
    amount = number(m["n"])
    if amount is None or amount < 1:
        return None
    name, said = m["season"], m[0].strip()
    return _latest_ended(clock, lambda y: _season_window(clock, name, y, said), back=int(amount) - 1)


def _month(clock: _Clock, m: re.Match[str]) -> Window | None:
    month = _month_of(m["month"])
    assert month is not None
    year = _year_of(m[0])
    said = m[0].strip()
    if year is None and not m["prep"] and not m["which"] and m["month"] in ("may", "march"):
        return None  # "may I see…", "march on": a verb, unless it is said like a month
    if year is not None:
        return _month_window(clock, year, month, 1, said)
    if (m["which"] or "").lower() == "last" or m["before"]:
        return _latest_ended(clock, lambda y: _month_window(clock, y, month, 1, said), back=1 if m["before"] else 0)
    return _latest_begun(clock, lambda y: _month_window(clock, y, month, 1, said, (m["which"] or "") != "this"))


def _date(clock: _Clock, m: re.Match[str]) -> Window | None:
    parsed = clock.parse(m["date"])
    if parsed is None:
        return None
    return clock.days(parsed[0], 1, m[0].strip(), yearless=_year_of(m["date"]) is None)


def _ago(clock: _Clock, m: re.Match[str]) -> Window | None:
    amount, unit = number(m["n"]), m["unit"].lower().rstrip("s")
    if amount is None:
        return None
    if unit == "fortnight":
        amount, unit = amount * 2, "week"
    back = {"day": timedelta(days=amount), "week": timedelta(weeks=amount)}
    said = m[0].strip()
    if unit in back:
        day = clock.today - back[unit]
        if unit == "day":
            return clock.days(day, 1, said)
        monday = day - timedelta(days=day.weekday())
        return clock.days(monday, 7, said)
    if unit == "month":
        months = clock.today.year * 12 + clock.today.month - 1 - int(amount)
        return _month_window(clock, months // 12, months % 12 + 1, 1, said)
    return _month_window(clock, clock.today.year - int(amount), 1, 12, said)


def _last_n(clock: _Clock, m: re.Match[str]) -> Window | None:
    """'the last 10 days', 'the past two weeks': up to now, from that many days back (today counts as one)."""
    amount, unit = number(m["n"]), m["unit"].lower().rstrip("s")
    if amount is None:
        return None
    days = amount * {"day": 1, "week": 7, "fortnight": 14, "month": 30, "year": 365}[unit]
    start = clock.today - timedelta(days=round(days) - 1)
    return Window(clock.at(start), clock.at(clock.today + timedelta(days=1)), m[0].strip())


def _named(clock: _Clock, m: re.Match[str]) -> Window | None:
    said = m[0].strip()
    words = " ".join(said.lower().split())
    today, monday = clock.today, clock.today - timedelta(days=clock.today.weekday())
    first_of_month = today.replace(day=1)
    previous_month = (first_of_month - timedelta(days=1)).replace(day=1)
    named = {
        "today": (today, today + timedelta(days=1)),
        "yesterday": (today - timedelta(days=1), today),
        "the day before yesterday": (today - timedelta(days=2), today - timedelta(days=1)),
        "this week": (monday, monday + timedelta(days=7)),
        "last week": (monday - timedelta(days=7), monday),
        "this weekend": (monday + timedelta(days=5), monday + timedelta(days=7)),
        "last weekend": (monday - timedelta(days=2), monday),
        "this month": (first_of_month, (first_of_month + timedelta(days=32)).replace(day=1)),
        "last month": (previous_month, first_of_month),
        "this year": (date(today.year, 1, 1), date(today.year + 1, 1, 1)),
        "last year": (date(today.year - 1, 1, 1), date(today.year, 1, 1)),
    }
    if words == "earlier today":
        return Window(clock.at(today), clock.now, said)
    if words.removeprefix("the ").startswith("earlier this"):
        start = (
            first_of_month if words.endswith("month") else monday if words.endswith("week") else date(today.year, 1, 1)
        )
        return Window(clock.at(start), clock.now, said)
    words = re.sub(r"^(?:from|during|over|in|on)\s+", "", words)
    before_last = {"the year before last": "year", "the month before last": "month", "the week before last": "week"}
    if words in before_last:
        unit = before_last[words]
        if unit == "year":
            return Window(clock.at(date(today.year - 2, 1, 1)), clock.at(date(today.year - 1, 1, 1)), said)
        if unit == "month":
            start = (previous_month - timedelta(days=1)).replace(day=1)
            return Window(clock.at(start), clock.at(previous_month), said)
        return Window(clock.at(monday - timedelta(days=14)), clock.at(monday - timedelta(days=7)), said)
    key = re.sub(r"^(?:the\s+)?(?:past|previous)\s+", "last ", words)
    key = "the day before yesterday" if "before yesterday" in key else key
    if key not in named:
        return None
    start, end = named[key]
    return Window(clock.at(start), clock.at(end), said)


def _weekday(clock: _Clock, m: re.Match[str]) -> Window | None:
    parsed = clock.parse(f"last {m['weekday']}")
    return clock.days(parsed[0], 1, m[0].strip()) if parsed else None


def _weekday_range(clock: _Clock, m: re.Match[str]) -> Window | None:
    """'from Monday to Wednesday': the latest such Monday before today, through the Wednesday after it."""
    first = clock.parse(f"last {m['a']}")
    if first is None:
        return None
    days = (WEEKDAYS.index(m["b"].lower()) - WEEKDAYS.index(m["a"].lower())) % 7 + 1
    return clock.days(first[0], days, m[0].strip())


def _the_weekend(clock: _Clock, m: re.Match[str]) -> Window:
    """'on the weekend', 'over the weekend': this weekend on a Saturday or Sunday, else the one just gone."""
    weekday = clock.today.weekday()
    saturday = clock.today - timedelta(days=weekday - 5) if weekday >= 5 else clock.today - timedelta(days=weekday + 2)
    return clock.days(saturday, 2, m[0].strip())


def _holidays(clock: _Clock, m: re.Match[str]) -> Window:
    """'over the holidays', 'the Christmas holidays', 'between Christmas and New Year': 24 December to 1 January."""
    said = m[0].strip()
    return _latest_begun(clock, lambda y: clock.days(date(y, 12, 24), 9, said, True))


def _year(clock: _Clock, m: re.Match[str]) -> Window:
    return _month_window(clock, int(m["year"]), 1, 12, m[0].strip())


def _rule(pattern: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w'])" + pattern + r"(?![\w'])", re.IGNORECASE)


_WHICH = r"(?:(?P<which>last|this|past)\s+)?"
_PREP = r"(?:(?P<prep>in|on|during|over|at|from|since|around|of)\s+)?(?:the\s+)?"
_BEFORE_LAST = r"(?P<before>\s+before\s+last)?"
_RULES: list[tuple[re.Pattern[str], Callable[[_Clock, re.Match[str]], Window | None]]] = [
    (
        _rule(rf"(?:(?:from|between)\s+)?(?P<a>{_WEEKDAY})\s+(?:to|until|till|through|and|-)\s+(?P<b>{_WEEKDAY})"),
        _weekday_range,
    ),
    (
        _rule(rf"(?:(?:between|from)\s+(?:the\s+)?)?(?P<a>{_END})\s+(?:and|to|until|till|through|-)\s+(?P<b>{_END})"),
        _range,
    ),
    (
        _rule(
            rf"(?:(?:from|between)\s+)?(?:the\s+)?(?P<a>{_DAY})\s+(?:to|until|till|and|-)\s+(?:the\s+)?(?P<b>{_DAY})"
            rf"\s+(?:of\s+)?(?P<month>{_MONTH})(?:\s+{_Y})?"
        ),
        _day_range,
    ),
    (
        _rule(
            rf"(?:(?:from|between)\s+)?(?P<month>{_MONTH})\s+(?:the\s+)?(?P<a>{_DAY})\s+(?:to|until|till|and|-)\s+"
            rf"(?:the\s+)?(?P<b>{_DAY})(?:,?\s+{_Y})?"
        ),
        _day_range,
    ),
    (
        _rule(
            rf"{_PREP}(?:the\s+weekend\s+before\s+last|(?P<nth>first|1st|second|2nd|third|3rd|fourth|4th|last)"
            rf"\s+weekend\s+(?:of|in)\s+(?P<month>{_MONTH})(?:\s+{_Y})?)"
        ),
        _weekend,
    ),
    (
        _rule(
            rf"{_PREP}(?P<nth>first|1st|second|2nd|third|3rd|fourth|4th|last)\s+week\s+(?:of|in)\s+"
            rf"(?P<month>{_MONTH})(?:\s+{_Y})?"
        ),
        _nth_week,
    ),
    (
        _rule(
            rf"{_PREP}(?:the\s+)?(?:christmas\s+holidays|holidays|holiday\s+season|festive\s+season|christmas\s+break)"
        ),
        _holidays,
    ),
    (
        _rule(
            rf"{_PREP}(?:the\s+)?{_WHICH}(?P<holiday>{_HOLIDAY}){_BEFORE_LAST}(?:\s+(?:of\s+)?{_Y})?"
            rf"(?:\s+(?P<part>{_PART}))?"
        ),
        _holiday,
    ),
    (
        _rule(rf"{_PREP}(?:(?P<which>this|yesterday|last|today|{_WEEKDAY})\s+(?P<part>{_PART})|(?P<tonight>tonight))"),
        _part_of_day,
    ),
    (_rule(rf"(?P<n>{NUMBER})\s+(?P<season>{_SEASON})s?\s+ago"), _seasons_ago),
    (_rule(rf"{_PREP}(?:the\s+)?{_WHICH}(?P<season>{_SEASON}){_BEFORE_LAST}(?:\s+(?:of\s+)?{_Y})?"), _season),
    (_rule(rf"{_PREP}(?P<date>{_DATE})"), _date),
    (_rule(rf"(?P<n>{NUMBER})\s+(?P<unit>{_UNIT})\s+ago"), _ago),
    (_rule(rf"{_PREP}(?:these\s+)?(?:last|past|previous)\s+(?P<n>{NUMBER})\s+(?P<unit>{_UNIT})"), _last_n),
    (
        _rule(
            r"(?:(?:from|during|over|in|on)\s+)?(?:the\s+)?(?:day\s+before\s+yesterday|yesterday|(?:earlier\s+)?today"
            r"|earlier\s+this\s+(?:year|month|week)|(?:year|month|week)\s+before\s+last"
            r"|(?:(?:the\s+)?(?:past|previous)|last|this)\s+(?:week|weekend|month|year))"
        ),
        _named,
    ),
    (_rule(r"(?:on|at|over|during|this\s+past)\s+the\s+weekend"), _the_weekend),
    (_rule(rf"{_PREP}(?:(?:last|this\s+past)\s+)?(?P<weekday>{_WEEKDAY})s?"), _weekday),
    (_rule(rf"{_PREP}(?:the\s+)?{_WHICH}(?P<month>{_MONTH}){_BEFORE_LAST}(?:\s+(?:of\s+)?{_Y})?"), _month),
    (_rule(rf"{_PREP}(?P<year>{_Y})"), _year),
]
