"""Writes heldout/requests.yaml: a HELD-OUT understanding corpus, by hand, one line per request.

Written blind: without reading the request parser (streams/understanding/*) or its failures, only the conventions
of bench/relevance/README.md and the format of bench/relevance/requests.yaml, so that it measures how the parser
generalises to a user it was not tuned on. Same file format, so the same evaluator reads it:

    .venv/bin/python bench/relevance/heldout/make_requests.py
    .venv/bin/python -m bench.understanding --corpus bench/relevance/heldout/requests.yaml

**The user.** Claire (`me`, the wearer) lives in Toronto with her husband Dev; their son Marcus (12) and daughter
Ellie (9); Marcus's friend Leo; Claire's best friend Jess; Claire's mother Margaret ("Mum", "Nana" to the kids)
lives in Hamilton; Dev's brother Arjun lives in Edmonton. The dog, Biscuit, is not a person: the vocabulary does
not know the name, so "Biscuit" is an unknown name like any other. Own places: `home`, `work` (a clinic), the
`cottage` (Huntsville, "up north"), `mum's` (Hamilton) and the `gym`. Trips: Tokyo and Seoul (spring 2024),
Victoria BC (summer 2024), Edmonton (Christmas 2024), Boston (October 2024), Orlando (March 2025), Nice and Florence
(July 2025), Birmingham and Hamburg (work, 2025), Kingston (hockey, autumn 2025), Sydney (Christmas 2025).
Cities that are also words or first names: Nice, Victoria, Florence, Sydney, Orlando, Hamilton; -ton/-ham/-burg
cities: Boston, Edmonton, Hamilton, Kingston, Birmingham, Hamburg.

**The clock.** `now` = Monday 16 February 2026, 09:30 in America/Toronto (-05:00): winter, the morning after a
weekend, two days after Valentine's Day, on the day of Jess's birthday. So "on Monday" / "last Monday" is 9 Feb
(a weekday alone is the most recent one *before* today), "this week" has only just begun, "in February" is the
current month but "last February" is 2025, "in the winter" / "this winter" is the current winter (Dec 2025 –
Feb 2026) while "last winter" is the one that has ended (Dec 2024 – Feb 2025), and Easter 2026 has not begun yet.

**Interpretations** (where README.md is silent; each such request carries a `note`):
- Holidays the conventions do not define (Thanksgiving, Canada Day, Family Day, Victoria Day, ANZAC Day) are
  avoided. "The holidays" / "the Christmas holidays" = Christmas Eve to New Year's Day (24 Dec – 1 Jan), the
  conventions' Christmas and New Year joined; "around Christmas" / "around Easter" / "around New Year's" = that
  holiday's window ("around" is the system's slack, like "near X" for places).
- "On the weekend" / "at the weekend" / "over the weekend", said on a Monday, = the weekend just gone (the
  README's "this weekend" would be the coming one, which has nothing yet); "our weekend at the cottage" is a trip
  word (README: "our weekend in Rotterdam").
- A weekday range ("from Monday to Wednesday") starts at the most recent such first day before today.
- "X before last" is the one before "last X"; "two summers ago" = the summer before last.
- "Under a minute", "no more than 45 seconds", "about / around / roughly N", "N or so" = N: the bound is the target.
- Seasons stay northern meteorological even in Sydney (the README's rule, so "Sydney last summer" is Jun–Aug 2025).
- "pics", "vids", "snaps", "bits", "compilation", "highlight" are asking nouns like "pictures", "highlights";
  "went", "did", "like" (as in "something like"), "er" are filler; "vacation" and "holiday" (a stay) are trip words.
- "Quebec" alone is the province; "mum's birthday" is Margaret's birthday (a date), not the own place "mum's";
  "my brother" and "my mother-in-law" are unknown (Claire has neither; Arjun is her brother-in-law).

Every expectation is computed below by small calendar helpers from `NOW` (no dates typed by hand except the
sanity checks), under the conventions of README.md.
"""

from __future__ import annotations

import copy
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

HERE = Path(__file__).parent
ZONE = ZoneInfo("America/Toronto")
NOW = datetime(2026, 2, 16, 9, 30, tzinfo=ZONE)
TODAY = NOW.date()
DEFAULT, SHORT, LONG = 120, 30, 300

assert NOW.strftime("%A") == "Monday"
assert NOW.utcoffset() == timedelta(hours=-5)

# ---------------------------------------------------------------- the vocabulary
PEOPLE: list[dict] = [
    {"person_id": "me", "name": "Claire", "relationship": "me", "birthday": "01-27"},
    {"person_id": "dev", "name": "Dev", "relationship": "husband", "birthday": "06-05"},
    {"person_id": "marcus", "name": "Marcus", "relationship": "son", "birthday": "10-03"},
    {"person_id": "ellie", "name": "Ellie", "relationship": "daughter", "birthday": "08-21"},
    {
        "person_id": "margaret",
        "name": "Margaret",
        "relationship": "mother",
        "birthday": "11-30",
        "aliases": ["mum", "mom", "nana", "grandma"],
    },
    {"person_id": "jess", "name": "Jess", "relationship": "friend", "birthday": "02-16"},
    {"person_id": "leo", "name": "Leo", "relationship": "friend", "friend_of": "marcus"},
    {
        "person_id": "arjun",
        "name": "Arjun",
        "relationship": "brother-in-law",
        "birthday": "03-02",
        "aliases": ["Dev's brother"],
    },
]
PLACES: list[dict] = [
    {
        "name": "home",
        "aliases": ["our place", "our house", "the house"],
        "country_code": "CA",
        "lat": 43.6629,
        "lon": -79.334,
        "radius_m": 150,
    },
    {
        "name": "work",
        "aliases": ["the clinic", "my clinic"],
        "country_code": "CA",
        "lat": 43.658,
        "lon": -79.389,
        "radius_m": 200,
    },
    {
        "name": "cottage",
        "aliases": ["the cottage", "our cottage", "up north"],
        "country_code": "CA",
        "lat": 45.3269,
        "lon": -79.2163,
        "radius_m": 400,
    },
    {
        "name": "mum's",
        "aliases": ["mum's place", "mum's house", "my mum's", "my mother's place"],
        "country_code": "CA",
        "lat": 43.2557,
        "lon": -79.8711,
        "radius_m": 150,
    },
    {
        "name": "gym",
        "aliases": ["the gym", "my gym"],
        "country_code": "CA",
        "lat": 43.6655,
        "lon": -79.342,
        "radius_m": 100,
    },
]
CITIES = [
    {"name": n, "country_code": cc}
    for n, cc in [
        ("Toronto", "CA"),
        ("Hamilton", "CA"),
        ("Huntsville", "CA"),
        ("Kingston", "CA"),
        ("Montreal", "CA"),
        ("Victoria", "CA"),
        ("Edmonton", "CA"),
        ("Boston", "US"),
        ("Orlando", "US"),
        ("Nice", "FR"),
        ("Florence", "IT"),
        ("Hamburg", "DE"),
        ("Birmingham", "GB"),
        ("Sydney", "AU"),
        ("Tokyo", "JP"),
        ("Seoul", "KR"),
    ]
]
REGIONS = [
    {"region": n, "country_code": cc}
    for n, cc in [
        ("Ontario", "CA"),
        ("Quebec", "CA"),
        ("British Columbia", "CA"),
        ("Alberta", "CA"),
        ("Massachusetts", "US"),
        ("Florida", "US"),
        ("Provence-Alpes-Côte d'Azur", "FR"),
        ("Tuscany", "IT"),
        ("Hamburg", "DE"),
        ("England", "GB"),
        ("New South Wales", "AU"),
        ("Tokyo", "JP"),
        ("Seoul", "KR"),
    ]
]
OWN = {p["name"]: p["country_code"] for p in PLACES}

REQUESTS: list[dict] = []


# ---------------------------------------------------------------- helpers: places
def city(name: str, cc: str | None = None) -> dict:
    if cc is None:
        cc = next(c["country_code"] for c in CITIES if c["name"] == name)
    return {"kind": "city", "name": name, "country_code": cc}


def region(name: str, cc: str) -> dict:
    return {"kind": "region", "name": name, "country_code": cc}


def country(name: str, cc: str) -> dict:
    return {"kind": "country", "name": name, "country_code": cc}


def own(name: str) -> dict:
    return {"kind": "own", "name": name, "country_code": OWN[name]}


TORONTO, HAMILTON, HUNTSVILLE, KINGSTON = city("Toronto"), city("Hamilton"), city("Huntsville"), city("Kingston")
MONTREAL, VICTORIA, EDMONTON = city("Montreal"), city("Victoria"), city("Edmonton")
BOSTON, ORLANDO, NICE, FLORENCE = city("Boston"), city("Orlando"), city("Nice"), city("Florence")
HAMBURG, BIRMINGHAM, SYDNEY = city("Hamburg"), city("Birmingham"), city("Sydney")
TOKYO, SEOUL = city("Tokyo"), city("Seoul")
CANADA, USA, UK = country("Canada", "CA"), country("United States", "US"), country("United Kingdom", "GB")
FRANCE, ITALY, GERMANY = country("France", "FR"), country("Italy", "IT"), country("Germany", "DE")
JAPAN, KOREA, AUSTRALIA = country("Japan", "JP"), country("South Korea", "KR"), country("Australia", "AU")


# ---------------------------------------------------------------- helpers: times ([start, end), local wall clock)
def iso(value: date | datetime) -> str:
    return value.isoformat()


def span(start: date | datetime, end: date | datetime) -> dict:
    assert start < end, (start, end)
    return {"start": iso(start), "end": iso(end)}


def days(first: date, n: int = 1) -> dict:
    return span(first, first + timedelta(days=n))


def at(d: date, hour: int) -> datetime:
    """Local wall-clock hour of a day in the user's zone; hour may pass midnight (29 = 05:00 the next day)."""
    return datetime.combine(d + timedelta(days=hour // 24), time(hour % 24), ZONE)


def part(d: date, start_h: int, end_h: int) -> dict:
    return span(at(d, start_h), at(d, end_h))


MORNING, AFTERNOON, EVENING, NIGHT = (5, 12), (12, 17), (17, 24), (17, 29)


def since(start: date | datetime) -> dict:
    if not isinstance(start, datetime):
        start = at(start, 0)
    return span(start, NOW)


WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def weekday(name: str) -> date:
    """A weekday alone: the most recent such day before today."""
    for back in range(1, 8):
        d = TODAY - timedelta(days=back)
        if d.weekday() == WEEKDAYS.index(name):
            return d
    raise AssertionError(name)


def weekday_range(first: str, last: str) -> dict:
    start = weekday(first)
    end = start + timedelta(days=(WEEKDAYS.index(last) - WEEKDAYS.index(first)) % 7)
    return span(start, end + timedelta(days=1))


def days_ago(n: int) -> dict:
    return days(TODAY - timedelta(days=n))


def week_start(d: date) -> date:
    return d - timedelta(days=d.weekday())


def weeks_ago(n: int) -> dict:
    """0 = this week, 1 = last week (Monday–Sunday)."""
    return days(week_start(TODAY) - timedelta(weeks=n), 7)


def weekend(n: int) -> dict:
    """0 = last weekend (the most recent complete Sat–Sun), 1 = the weekend before last."""
    sunday = TODAY - timedelta(days=1)
    while sunday.weekday() != 6:
        sunday -= timedelta(days=1)
    sat = sunday - timedelta(days=1) - timedelta(weeks=n)
    assert at(sat + timedelta(days=2), 0) <= NOW
    return days(sat, 2)


def month(y: int, m: int, n: int = 1) -> dict:
    end_m = m + n
    return span(date(y, m, 1), date(y + (end_m - 1) // 12, (end_m - 1) % 12 + 1, 1))


def year_begun(m: int) -> int:
    """The year of the most recent month m that has begun."""
    return TODAY.year if m <= TODAY.month else TODAY.year - 1


def year_ended(m: int) -> int:
    """The year of the most recent month m that has ended."""
    return TODAY.year if m < TODAY.month else TODAY.year - 1


def month_begun(m: int) -> dict:
    return month(year_begun(m), m)


def month_ended(m: int) -> dict:
    return month(year_ended(m), m)


def months_ago(n: int) -> dict:
    index = TODAY.year * 12 + TODAY.month - 1 - n
    return month(index // 12, index % 12 + 1)


def year(y: int, n: int = 1) -> dict:
    return span(date(y, 1, 1), date(y + n, 1, 1))


def date_begun(m: int, d: int) -> date:
    """A day of the year without a year: the most recent that has begun (today included)."""
    y = TODAY.year if date(TODAY.year, m, d) <= TODAY else TODAY.year - 1
    return date(y, m, d)


def month_range(first: int, last: int, y: int | None = None) -> dict:
    """From the start of the first month to the end of the last; without a year the first is the most recent
    that has begun."""
    if y is None:
        y0 = year_begun(first)
        y1 = y0 if last >= first else y0 + 1
    else:
        y0 = y1 = y
    return span(date(y0, first, 1), _month_end(y1, last))


def _month_end(y: int, m: int) -> date:
    """The first day after month m of year y."""
    return date(y + m // 12, m % 12 + 1, 1)


SEASON_START = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}


def season(name: str, y: int) -> dict:
    """Meteorological, northern: winter y = Dec y to the end of Feb y+1."""
    return month(y, SEASON_START[name], 3)


def _season_start(name: str, y: int) -> date:
    return date(y, SEASON_START[name], 1)


def season_begun(name: str, before: int = 0) -> dict:
    """The most recent such season that has begun (before = 1: the one before it)."""
    y = TODAY.year
    while _season_start(name, y) > TODAY:
        y -= 1
    return season(name, y - before)


def season_ended(name: str, before: int = 0) -> dict:
    """`last` + season: the most recent that has ended (before = 1: the one before last)."""
    y = TODAY.year
    while date.fromisoformat(season(name, y)["end"]) > TODAY:
        y -= 1
    return season(name, y - before)


def nth_week(y: int, m: int, n: int) -> dict:
    return days(date(y, m, 1 + 7 * (n - 1)), 7)


def last_week_of(y: int, m: int) -> dict:
    return days(_month_end(y, m) - timedelta(days=7), 7)


def first_weekend(y: int, m: int) -> dict:
    d = date(y, m, 1)
    while d.weekday() != 5:
        d += timedelta(days=1)
    return days(d, 2)


def christmas(y: int | None = None, which: str = "all") -> dict:
    """24–26 Dec; Eve / Day / Boxing Day; without a year the most recent that has begun."""
    first = date(y, 12, 24) if y else date_begun(12, 24)
    offset = {"all": (0, 3), "eve": (0, 1), "day": (1, 1), "boxing": (2, 1)}[which]
    return days(first + timedelta(days=offset[0]), offset[1])


def new_years_eve(y: int | None = None) -> date:
    return date(y, 12, 31) if y else date_begun(12, 31)


def easter_sunday(y: int) -> date:
    """Anonymous Gregorian algorithm."""
    a, b, c = y % 19, y // 100, y % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    mo = (h + l_ - 7 * m + 114) // 31
    da = (h + l_ - 7 * m + 114) % 31 + 1
    return date(y, mo, da)


assert easter_sunday(2024) == date(2024, 3, 31)
assert easter_sunday(2025) == date(2025, 4, 20)
assert easter_sunday(2026) == date(2026, 4, 5)


def easter(y: int | None = None) -> dict:
    """Good Friday to Easter Monday; without a year the most recent that has begun."""
    if y is None:
        y = TODAY.year
        while easter_sunday(y) - timedelta(days=2) > TODAY:
            y -= 1
    return days(easter_sunday(y) - timedelta(days=2), 4)


def birthday(person_id: str) -> dict:
    mmdd = next(p["birthday"] for p in PEOPLE if p["person_id"] == person_id)
    m, d = (int(x) for x in mmdd.split("-"))
    return days(date_begun(m, d))


TODAY_W = days(TODAY)
YESTERDAY = days_ago(1)
THIS_WEEK, LAST_WEEK = weeks_ago(0), weeks_ago(1)
LAST_WEEKEND = weekend(0)
CHRISTMAS = christmas()
NYE = days(new_years_eve())
OVER_NEW_YEAR = days(new_years_eve(), 2)
HOLIDAYS = span(date_begun(12, 24), new_years_eve() + timedelta(days=2))  # Christmas Eve – New Year's Day
LAST_SUMMER, LAST_FALL = season_ended("summer"), season_ended("autumn")
WINTER_NOW = season_begun("winter")
THIS_MORNING = part(TODAY, *MORNING)
SATURDAY = days(weekday("saturday"))

# sanity checks of the helpers against the calendar (by hand, once)
assert YESTERDAY == {"start": "2026-02-15", "end": "2026-02-16"}
assert weekday("monday") == date(2026, 2, 9) and weekday("saturday") == date(2026, 2, 14)
assert LAST_WEEKEND == {"start": "2026-02-14", "end": "2026-02-16"}
assert THIS_WEEK == {"start": "2026-02-16", "end": "2026-02-23"}
assert WINTER_NOW == {"start": "2025-12-01", "end": "2026-03-01"}
assert season_ended("winter") == {"start": "2024-12-01", "end": "2025-03-01"}
assert season_begun("spring") == {"start": "2025-03-01", "end": "2025-06-01"}
assert easter() == {"start": "2025-04-18", "end": "2025-04-22"}
assert birthday("jess") == TODAY_W and birthday("arjun") == {"start": "2025-03-02", "end": "2025-03-03"}
assert first_weekend(2026, 2) == {"start": "2026-02-07", "end": "2026-02-09"}


# ---------------------------------------------------------------- the corpus
def r(text: str, kind: str, people=(), place=None, time=None, seconds=DEFAULT, search=(), unknown=(), note=None):
    entry = {
        "text": text,
        "kind": kind,
        "expect": {
            "people": sorted(people),
            "place": copy.deepcopy(place),
            "time": copy.deepcopy(time),
            "target_seconds": seconds,
            "search": list(search),
            "unknown": list(unknown),
        },
    }
    if note:
        entry["note"] = note
    REQUESTS.append(entry)


KIDS = ["marcus", "ellie"]

K = "dur-holiday"  # holiday words are not durations
r("Christmas with my husband", K, ["dev"], time=CHRISTMAS)
r("a Christmas video of the kids", K, KIDS, time=CHRISTMAS)
r("Christmas in Sydney", K, place=SYDNEY, time=CHRISTMAS, note="the window is read on Sydney's own clock")
r("Boxing Day at mum's", K, place=own("mum's"), time=christmas(which="boxing"))
r("Christmas morning with Nana", K, ["margaret"], time=part(date_begun(12, 25), *MORNING))
r("Easter at the cottage", K, place=own("cottage"), time=easter(), note="Easter 2026 (3–6 Apr) has not begun")
r("Halloween with Ellie and Marcus", K, KIDS, time=days(date_begun(10, 31)))
r("Christmas 2024 in Edmonton", K, place=EDMONTON, time=christmas(2024))

K = "dur-us-state"  # US state names are not durations
r("the beach in Florida", K, place=region("Florida", "US"), search=["beach"])
r("a video of Massachusetts", K, place=region("Massachusetts", "US"))
r("the ski hills in Vermont", K, place=region("Vermont", "US"), search=["ski", "hills"])
r("Minnesota with Dev", K, ["dev"], place=region("Minnesota", "US"))
r("a 45 second clip of Montana", K, place=region("Montana", "US"), seconds=45)
r("Missouri last summer", K, place=region("Missouri", "US"), time=LAST_SUMMER)
r("Massachusetts in October 2024", K, place=region("Massachusetts", "US"), time=month(2024, 10))

K = "dur-ton-ham-burg"  # cities ending in -ton / -ham / -burg(h) stay places, never a duration
r("Boston", K, place=BOSTON)
r("a video of Edmonton", K, place=EDMONTON)
r("Hamilton with Nana", K, ["margaret"], place=HAMILTON, note="the city is said, not mum's (the own place)")
r("Birmingham last year", K, place=BIRMINGHAM, time=year(TODAY.year - 1))
r("the harbour in Hamburg", K, place=HAMBURG, search=["harbour"])
r("Kingston with Marcus", K, ["marcus"], place=KINGSTON, note="the Kingston the user has been to: Ontario")
r("Pittsburgh in the fall", K, place=city("Pittsburgh", "US"), time=season_begun("autumn"))
r("a short reel of Nottingham", K, place=city("Nottingham", "GB"), seconds=SHORT)
r("Boston with the kids, two minutes", K, KIDS, place=BOSTON, seconds=120)
r("Fredericton in the summer", K, place=city("Fredericton", "CA"), time=season_begun("summer"))

K = "dur-name-s"  # names ending in s, possessive s
r("Marcus", K, ["marcus"])
r("a video of Marcus", K, ["marcus"])
r("Jess and me", K, ["me", "jess"])
r("Marcus's hockey tournament", K, ["marcus"], search=["hockey", "tournament"])
r("Jess's puppy", K, ["jess"], search=["puppy"])
r("Marcus and Nicholas", K, ["marcus"], unknown=["Nicholas"])
r("Marcus' skating lesson", K, ["marcus"], search=["skating", "lesson"])
r("James at the gym", K, place=own("gym"), unknown=["James"])

K = "me-object"  # show / give / make / send / find / build / play me: the recipient, not a person
r("show me Dev", K, ["dev"])
r("give me a video of the cottage", K, place=own("cottage"))
r("make me a quick video of Ellie", K, ["ellie"], seconds=SHORT)
r("send me Florence", K, place=FLORENCE, note="the city the user has been to, not a person")
r("find me the snowman", K, search=["snowman"])
r("can you show me Tokyo", K, place=TOKYO)
r("build me a video of mum", K, ["margaret"])
r("play me last weekend", K, time=LAST_WEEKEND)

K = "me-participant"  # me / I / myself as someone in the video
r("Dev and me at the cottage", K, ["me", "dev"], place=own("cottage"))
r("me and Jess at the gym", K, ["me", "jess"], place=own("gym"))
r("Ellie and I skating", K, ["me", "ellie"], search=["skating"])
r("a video of me and my mum", K, ["me", "margaret"])
r("just me in Tokyo", K, ["me"], place=TOKYO)
r("pictures of the kids and me on Christmas Day", K, ["me", *KIDS], time=christmas(which="day"))
r("me and my husband in Nice", K, ["me", "dev"], place=NICE)

K = "time-relative"  # now is Monday 16 Feb 2026, 09:30
r("what did I do yesterday", K, time=YESTERDAY)
r("on Saturday", K, time=SATURDAY)
r("last Monday", K, time=days(weekday("monday")), note="said on a Monday: the Monday a week ago")
r("on Monday", K, time=days(weekday("monday")), note="a weekday alone is the most recent one before today")
r("four days ago", K, time=days_ago(4))
r("two weeks ago", K, time=weeks_ago(2))
r("last week with Dev", K, ["dev"], time=LAST_WEEK)
r("this week", K, time=THIS_WEEK, note="the current Monday–Sunday, of which only today has begun")
r("three months ago", K, time=months_ago(3))
r("last month at the gym", K, place=own("gym"), time=months_ago(1))
r("earlier this year", K, time=since(date(TODAY.year, 1, 1)))
r("the day before yesterday", K, time=days_ago(2))
r("today", K, time=TODAY_W)

K = "time-part-of-day"
r("this morning", K, time=THIS_MORNING)
r("last night", K, time=part(TODAY - timedelta(days=1), *NIGHT))
r("yesterday afternoon", K, time=part(TODAY - timedelta(days=1), *AFTERNOON))
r("Friday night", K, time=part(weekday("friday"), *NIGHT))
r("Saturday morning at the gym", K, place=own("gym"), time=part(weekday("saturday"), *MORNING))
r("Sunday evening with the kids", K, KIDS, time=part(weekday("sunday"), *EVENING))
r("earlier today", K, time=since(TODAY))
r("yesterday evening", K, time=part(TODAY - timedelta(days=1), *EVENING))

K = "time-holiday"
r("New Year's Eve", K, time=NYE)
r("New Year's Day", K, time=days(date_begun(1, 1)))
r("Valentine's Day", K, time=days(date_begun(2, 14)), note="two days ago")
r("Easter", K, time=easter(), note="the most recent that has begun: 2025 (Easter 2026 is in April)")
r("last Easter", K, time=easter())
r("Easter 2024", K, time=easter(2024))
r("Halloween 2024", K, time=days(date(2024, 10, 31)))
r("Christmas Eve at mum's", K, place=own("mum's"), time=christmas(which="eve"))
r("over New Year", K, time=OVER_NEW_YEAR)
r("Boxing Day", K, time=christmas(which="boxing"))

K = "time-range"
r("between March and May 2025", K, time=month_range(3, 5, 2025))
r("from October to December", K, time=month_range(10, 12))
r("from December to February", K, time=month_range(12, 2), note="winter 2025–26, the current one")
r("between July and September", K, time=month_range(7, 9))
r("from the 5th to the 12th of January", K, time=days(date_begun(1, 5), 8))
r("since Boxing Day", K, time=since(date_begun(12, 26)))
r("since the fall", K, time=since(date.fromisoformat(season_begun("autumn")["start"])))
r("from November to January", K, time=month_range(11, 1))
r("between 2023 and 2025", K, time=year(2023, 3))
r("from May to August 2024", K, time=month_range(5, 8, 2024))
r("from March to May", K, time=month_range(3, 5), note="the most recent March that has begun is 2025")

K = "time-week"
r("last weekend", K, time=LAST_WEEKEND)
r("the weekend before last", K, time=weekend(1))
r("the first week of January", K, time=nth_week(year_begun(1), 1, 1))
r("the last week of December", K, time=last_week_of(year_begun(12), 12))
r(
    "the first weekend of February",
    K,
    time=first_weekend(year_begun(2), 2),
    note="1 Feb 2026 is a Sunday; the first Saturday is the 7th",
)
r("the second week of November 2025", K, time=nth_week(2025, 11, 2))
r("last weekend at the cottage", K, place=own("cottage"), time=LAST_WEEKEND)
r("the first weekend of October", K, time=first_weekend(year_begun(10), 10))

K = "time-season"  # northern meteorological; now is in winter 2025 (Dec 2025 – Feb 2026)
r("this winter", K, time=WINTER_NOW)
r("last winter", K, time=season_ended("winter"), note="the current winter has not ended: Dec 2024 – Feb 2025")
r("in the winter", K, time=season_begun("winter"))
r("last summer at the cottage", K, place=own("cottage"), time=LAST_SUMMER)
r("in the fall", K, time=season_begun("autumn"))
r("winter 2024", K, time=season("winter", 2024), note="winter of year Y starts in December Y")
r("spring 2025 in Tokyo", K, place=TOKYO, time=season("spring", 2025))
r("in the spring", K, time=season_begun("spring"), note="spring 2026 has not begun: spring 2025")
r("the autumn of 2024", K, time=season("autumn", 2024))
r("summer 2025", K, time=season("summer", 2025))

K = "season-south"  # seasons stay northern meteorological, even where they are not
SOUTH = "README: seasons are northern meteorological whatever the place"
r("Sydney last summer", K, place=SYDNEY, time=LAST_SUMMER, note=SOUTH + " (Jun–Aug 2025)")
r("our winter in Sydney", K, place=SYDNEY, time=season_begun("winter"), note=SOUTH + " (Dec 2025 – Feb 2026)")
r("Australia in the summer", K, place=AUSTRALIA, time=season_begun("summer"), note=SOUTH)
r(
    "the beach in New South Wales this winter",
    K,
    place=region("New South Wales", "AU"),
    time=WINTER_NOW,
    search=["beach"],
    note=SOUTH,
)
r("Christmas on the beach in Sydney", K, place=SYDNEY, time=CHRISTMAS, search=["beach"])

K = "time-month"
r("in January", K, time=month_begun(1))
r("in February", K, time=month_begun(2), note="the current month has begun: February 2026")
r("in March", K, time=month_begun(3))
r("last February", K, time=month_ended(2), note="the current February has not ended: February 2025")
r("last December", K, time=month_ended(12))
r("October 2024 in Boston", K, place=BOSTON, time=month(2024, 10))
r("in 2023", K, time=year(2023))
r("on the 3rd of October", K, time=days(date_begun(10, 3)))
r("on August 21st", K, time=days(date_begun(8, 21)))
r("last year", K, time=year(TODAY.year - 1))

K = "duration"
r("a short video of the cottage", K, place=own("cottage"), seconds=SHORT)
r("a quick clip of the snow", K, seconds=SHORT, search=["snow"])
r("a 90-second video of Florence", K, place=FLORENCE, seconds=90)
r("two and a half minutes of Tokyo", K, place=TOKYO, seconds=150)
r("a 40 sec reel of the gym", K, place=own("gym"), seconds=40)
r("a long video of the summer", K, time=season_begun("summer"), seconds=LONG)
r("a 4-min montage of Marcus", K, ["marcus"], seconds=240)
r("a really short one of Ellie", K, ["ellie"], seconds=SHORT)
r("a minute-long video of Nice", K, place=NICE, seconds=60)
r("make it three minutes", K, seconds=180)
r("a 1 min clip of Seoul", K, place=SEOUL, seconds=60)

K = "duration-approx"  # approximate and bounded durations: the number is the target
APPROX = "an approximate or bounded duration: the number is the target"
r("roughly ninety seconds of Boston", K, place=BOSTON, seconds=90, note=APPROX)
r("make it under a minute", K, seconds=60, note=APPROX)
r(
    "around three minutes of the cottage",
    K,
    place=own("cottage"),
    seconds=180,
    note=APPROX + "; 'around' here is about the length, the place is the cottage",
)
r("no more than 45 seconds", K, seconds=45, note=APPROX)
r("a minute or so of Ellie skating", K, ["ellie"], seconds=60, search=["skating"], note=APPROX)
r("a video of Dev for about four minutes", K, ["dev"], seconds=240, note=APPROX)
r("something like thirty seconds of the dog", K, seconds=30, search=["dog"], note=APPROX + "; 'like' is filler")

K = "place-after-of"
r("a reel of Seoul", K, place=SEOUL)
r("a video of Victoria", K, place=VICTORIA, note="the city the user has been to (BC), not a person")
r("memories of Montreal", K, place=MONTREAL)
r("a montage of Orlando", K, place=ORLANDO, note="a city the user has been to, though also a first name")
r("a slideshow of Hamburg", K, place=HAMBURG)
r("highlights of Huntsville", K, place=HUNTSVILLE, note="the town, not the cottage (own place) near it")

K = "city-is-word"  # cities the user has been to whose names are also words or first names
r("Nice", K, place=NICE, note="the city the user has been to")
r("some nice pictures from Nice", K, place=NICE, note="the first 'nice' is filler, the second the city")
r("Victoria", K, place=VICTORIA, note="Victoria BC, in the user's cities (not the Australian state)")
r("Florence in July", K, place=FLORENCE, time=month_begun(7))
r("Sydney", K, place=SYDNEY)
r("the cathedral in Florence", K, place=FLORENCE, search=["cathedral"])
r("the harbour in Victoria with Dev", K, ["dev"], place=VICTORIA, search=["harbour"])
r("Orlando with the kids", K, KIDS, place=ORLANDO)
r("Nice last summer", K, place=NICE, time=LAST_SUMMER)

K = "filler"
r("everything from Boston", K, place=BOSTON)
r("show me some stuff from the cottage", K, place=own("cottage"))
r("all the moments with Nana", K, ["margaret"])
r("just anything from last week", K, time=LAST_WEEK)
r("the best things we did in Tokyo", K, place=TOKYO)
r("a recap of it all from Christmas", K, time=CHRISTMAS)

K = "search-slang"  # informal asking nouns are not what is shown
r("pics of the snow at the cottage", K, place=own("cottage"), search=["snow"], note="'pics' = pictures")
r("the best bits of Florence", K, place=FLORENCE, note="'bits' are parts of the recap, not something shown")
r("vids of Marcus playing hockey", K, ["marcus"], search=["playing", "hockey"], note="'vids' = videos")
r("some snaps of Ellie's dance recital", K, ["ellie"], search=["dance", "recital"], note="'snaps' = photos")
r("a highlight reel of Orlando", K, place=ORLANDO)
r("a compilation of Dev's cooking", K, ["dev"], search=["cooking"], note="'compilation' = montage")

K = "possessive"
r("my husband's birthday", K, time=birthday("dev"), note="the vocabulary knows the date: the day filters")
r("Marcus's birthday party", K, time=birthday("marcus"), search=["party"])
r("Nana's garden", K, ["margaret"], search=["garden"])
r("Dev's guitar", K, ["dev"], search=["guitar"])
r("Jess's wedding", K, ["jess"], search=["wedding"])
r(
    "Leo's birthday",
    K,
    ["leo"],
    search=["birthday"],
    note="Leo has no birthday in the vocabulary: the person filters, the occasion is searched",
)
r("the kids' snowman", K, KIDS, search=["snowman"])
r("Ellie's skating lesson", K, ["ellie"], search=["skating", "lesson"])

K = "birthday"  # birthdays from the vocabulary: the most recent that has begun
r("on my birthday", K, time=birthday("me"))
r("Jess's birthday", K, time=birthday("jess"), note="Jess's birthday is today (16 Feb), which has begun")
r("Arjun's birthday", K, time=birthday("arjun"), note="2 March: the 2026 one is still to come, so 2025")
r("Ellie's birthday at the cottage", K, place=own("cottage"), time=birthday("ellie"))
r("mum's birthday", K, time=birthday("margaret"), note="Margaret's birthday, not the place mum's")
r("my son's birthday", K, time=birthday("marcus"))
r("Dev's birthday dinner", K, time=birthday("dev"), search=["dinner"])

K = "relationship"
r("my husband", K, ["dev"])
r("my son and his friend Leo", K, ["marcus", "leo"])
r("the kids with their Nana", K, ["margaret", *KIDS])
r("my mom", K, ["margaret"])
r("my brother-in-law", K, ["arjun"])
r("my husband's brother", K, ["arjun"], note="Dev's brother is Arjun (an alias in the vocabulary)")
r("my brother", K, unknown=["brother"], note="Claire has no brother; Arjun is her brother-in-law")
r("my mother-in-law", K, unknown=["mother-in-law"], note="Dev's mother is not in the vocabulary")
r("my best friend Jess", K, ["jess"])
r("my daughter and her grandma", K, ["ellie", "margaret"])
r("Marcus's friend", K, ["leo"])
r("my dad at the cottage", K, place=own("cottage"), unknown=["dad"])

K = "asr-lowercase"
r("um show me dev and the kids at the cottage", K, ["dev", *KIDS], place=own("cottage"))
r("uh a video of jess's birthday", K, time=birthday("jess"))
r("marcus hockey game from saturday", K, ["marcus"], time=SATURDAY, search=["hockey", "game"])
r("christmas in sydney with my husband", K, ["dev"], place=SYDNEY, time=CHRISTMAS)
r("make a video of nice", K, place=NICE, note="lower-case, after 'of': the city the user has been to")
r("er the snow at mums place", K, place=own("mum's"), search=["snow"], note="'mums place' = mum's place")
r("new years day at home", K, place=own("home"), time=days(date_begun(1, 1)))
r("a thirty second clip of ellie um skating", K, ["ellie"], seconds=30, search=["skating"])
r("boston last october", K, place=BOSTON, time=month_ended(10))

K = "punctuation"
r("Florence!", K, place=FLORENCE)
r("Dev, Marcus & Ellie — at the cottage?", K, ["dev", *KIDS], place=own("cottage"))
r("Tokyo (spring 2024)", K, place=TOKYO, time=season("spring", 2024))
r("The snowman... yesterday?", K, time=YESTERDAY, search=["snowman"])
r("'Victoria', please", K, place=VICTORIA)
r("A 90-second clip: Marcus, hockey, Saturday.", K, ["marcus"], time=SATURDAY, seconds=90, search=["hockey"])
r("Mum + me", K, ["me", "margaret"])

K = "number-words"
r("a forty-five second video of Hamburg", K, place=HAMBURG, seconds=45)
r("twenty twenty four in Tokyo", K, place=TOKYO, time=year(2024))
r("ninety seconds of the kids", K, KIDS, seconds=90)
r("the twenty-seventh of January", K, time=days(date_begun(1, 27)))
r("ten days ago", K, time=days_ago(10))
r("the summer of twenty twenty five", K, time=season("summer", 2025))
r("a two and a half minute video", K, seconds=150)
r("five weeks ago", K, time=weeks_ago(5))

K = "place-near"
r("near the cottage", K, place=own("cottage"))
r("around Toronto", K, place=TORONTO)
r("somewhere close to Nice", K, place=NICE)
r("near mum's", K, place=own("mum's"))
r("the lakes near Huntsville", K, place=HUNTSVILLE, search=["lakes"])
r("around the gym", K, place=own("gym"))

K = "place-country"
r("Italy", K, place=ITALY)
r("our trip to France", K, place=FRANCE)
r("Korean palaces", K, place=KOREA, search=["palaces"])
r("Australia", K, place=AUSTRALIA)
r("the UK", K, place=UK)
r("Canada", K, place=CANADA)
r("Japanese gardens", K, place=JAPAN, search=["gardens"])
r("the States with Dev", K, ["dev"], place=USA)
r("Italian churches", K, place=ITALY, search=["churches"])
r("Germany at Christmas", K, place=GERMANY, time=CHRISTMAS)

K = "region-ca-au"  # Canadian provinces and Australian states said as places
r("Ontario", K, place=region("Ontario", "CA"))
r("British Columbia last summer", K, place=region("British Columbia", "CA"), time=LAST_SUMMER)
r("a video of Quebec", K, place=region("Quebec", "CA"), note="'Quebec' alone is the province")
r("Alberta with Arjun", K, ["arjun"], place=region("Alberta", "CA"))
r("Nova Scotia", K, place=region("Nova Scotia", "CA"))
r("the beaches of Queensland", K, place=region("Queensland", "AU"), search=["beaches"])
r("Tasmania", K, place=region("Tasmania", "AU"))
r("New South Wales in December", K, place=region("New South Wales", "AU"), time=month_begun(12))
r("a short video of Manitoba", K, place=region("Manitoba", "CA"), seconds=SHORT)

K = "place-own"
r("at home", K, place=own("home"))
r("at our place", K, place=own("home"))
r("up at the cottage", K, place=own("cottage"))
r("at mum's", K, place=own("mum's"))
r("at my mum's place", K, place=own("mum's"))
r("the gym", K, place=own("gym"))
r("at the clinic", K, place=own("work"))
r("at work last week", K, place=own("work"), time=LAST_WEEK)
r("our cottage in the fall", K, place=own("cottage"), time=season_begun("autumn"))
r("up north last summer", K, place=own("cottage"), time=LAST_SUMMER, note="'up north' is the cottage's alias")

K = "unknown-name"
r("a video with Priya", K, unknown=["Priya"])
r("show me Connor", K, unknown=["Connor"])
r("Dev and Raj at the cottage", K, ["dev"], place=own("cottage"), unknown=["Raj"])
r("Linda's birthday", K, search=["birthday"], unknown=["Linda"])
r(
    "Biscuit at the cottage",
    K,
    place=own("cottage"),
    unknown=["Biscuit"],
    note="the family dog's name is in no vocabulary: a name nobody has is unknown, never guessed",
)
r("Ellie and Zoe in Montreal", K, ["ellie"], place=MONTREAL, unknown=["Zoe"])
r("my friend Hannah", K, unknown=["Hannah"])

K = "what-search"
r("the snowman", K, search=["snowman"])
r("skating on the pond", K, search=["skating", "pond"])
r("the fireworks on New Year's Eve", K, time=NYE, search=["fireworks"])
r("cherry blossoms in Tokyo", K, place=TOKYO, search=["cherry", "blossoms"])
r("the kids building a snow fort", K, KIDS, search=["building", "snow", "fort"])
r("the northern lights", K, search=["northern", "lights"])
r("a cat", K, search=["cat"])

K = "part-of-day-alone"  # a part of day without a day is what is shown: search words, no window
POD = "a part of day without a day is what is shown (README), so a search word and no window"
r("in the evening", K, search=["evening"], note=POD)
r("the cottage at night", K, place=own("cottage"), search=["night"], note=POD)
r("Tokyo at night", K, place=TOKYO, search=["night"], note=POD)
r("morning walks with the dog", K, search=["morning", "walks", "dog"], note=POD)
r("sunsets at the cottage", K, place=own("cottage"), search=["sunsets"], note=POD)
r("the kids in the mornings", K, KIDS, search=["mornings"], note=POD)

K = "time-before-last"  # the one before "last X"
r("the summer before last", K, time=season_ended("summer", 1))
r("the year before last", K, time=year(TODAY.year - 2))
r("the month before last", K, time=months_ago(2))
r("the Christmas before last", K, time=christmas(date_begun(12, 24).year - 1))
r(
    "the winter before last",
    K,
    time=season_ended("winter", 1),
    note="last winter (ended) is Dec 2024 – Feb 2025; the one before it Dec 2023 – Feb 2024",
)
r("the fall before last at the cottage", K, place=own("cottage"), time=season_ended("autumn", 1))
r("two summers ago", K, time=season_ended("summer", 1), note="last summer is one summer ago: 2024")

K = "time-around-holiday"
HOL = "'the holidays' = Christmas Eve to New Year's Day (24 Dec – 1 Jan), the conventions' Christmas and New Year"
r("around Christmas", K, time=CHRISTMAS, note="'around' is the system's slack: the Christmas window")
r("over the holidays", K, time=HOLIDAYS, note=HOL)
r("the Christmas holidays at mum's", K, place=own("mum's"), time=HOLIDAYS, note=HOL)
r("around New Year's", K, time=OVER_NEW_YEAR, note="as 'over New Year': 31 Dec – 1 Jan")
r("from Christmas to New Year's", K, time=HOLIDAYS, note="from the start of Christmas to the end of New Year's Day")
r("around Easter", K, time=easter(), note="the Easter window, 2025 (2026's has not begun)")

K = "time-weekday-range"
WR = "a range of weekdays starts at the most recent such first day before today"
r("from Monday to Wednesday", K, time=weekday_range("monday", "wednesday"), note=WR)
r("between Tuesday and Thursday", K, time=weekday_range("tuesday", "thursday"), note=WR)
r("Friday to Sunday at the cottage", K, place=own("cottage"), time=weekday_range("friday", "sunday"), note=WR)
r("from Wednesday through Friday", K, time=weekday_range("wednesday", "friday"), note=WR)
r("from Thursday to Saturday with Dev", K, ["dev"], time=weekday_range("thursday", "saturday"), note=WR)

K = "time-weekend-said"
WE = "said on a Monday: the weekend just gone"
r("on the weekend", K, time=LAST_WEEKEND, note=WE)
r("at the weekend with the kids", K, KIDS, time=LAST_WEEKEND, note=WE)
r("over the weekend", K, time=LAST_WEEKEND, note=WE)
r("skiing on the weekend", K, time=LAST_WEEKEND, search=["skiing"], note=WE)
r(
    "our weekend at the cottage",
    K,
    place=own("cottage"),
    note="'our weekend at' names a stay, a trip word (README: 'our weekend in Rotterdam'): no window",
)

K = "trip"  # trip words name a place, never a window or a search word
TRIP = "trip words (trip, vacation, holiday as a stay, 'when we went to') are filler; no window"
r("during our trip to Florence", K, place=FLORENCE, note=TRIP)
r("our vacation in Orlando", K, place=ORLANDO, note=TRIP)
r("when we went to Seoul", K, place=SEOUL, note=TRIP)
r("the trip to Victoria with Mum", K, ["margaret"], place=VICTORIA, note=TRIP)
r("our holiday in Nice", K, place=NICE, note=TRIP + "; 'holiday' here is a stay, not a named day")
r("the Tokyo trip", K, place=TOKYO, note=TRIP)
r("during our trip to Japan in 2024", K, place=JAPAN, time=year(2024), note=TRIP)

K = "combined"
r(
    "a 90 second video of Dev and me at the cottage last summer",
    K,
    ["me", "dev"],
    place=own("cottage"),
    time=LAST_SUMMER,
    seconds=90,
)
r(
    "um can you make a short one of the kids skating at the rink on Saturday",
    K,
    KIDS,
    time=SATURDAY,
    seconds=SHORT,
    search=["skating", "rink"],
    note="the rink is not an own place: it is what is shown",
)
r("Christmas in Sydney with the kids, about two minutes", K, KIDS, place=SYDNEY, time=CHRISTMAS, seconds=120)
r(
    "Marcus's hockey tournament in Kingston last fall, make it under a minute",
    K,
    ["marcus"],
    place=KINGSTON,
    time=LAST_FALL,
    seconds=60,
    search=["hockey", "tournament"],
)
r(
    "the fireworks in Nice on Ellie's birthday",
    K,
    place=NICE,
    time=birthday("ellie"),
    search=["fireworks"],
    note="the birthday is the filter, not Ellie's face",
)
r("pics of me and Jess in Florence in July 2025", K, ["me", "jess"], place=FLORENCE, time=month(2025, 7))
r(
    "a long video of our winter in Edmonton with Arjun",
    K,
    ["arjun"],
    place=EDMONTON,
    time=season_begun("winter"),
    seconds=LONG,
    note="a season without a year: the most recent that has begun (the current winter); the calendar decides",
)
r(
    "Nana and the kids at mum's over New Year, a minute and a half",
    K,
    ["margaret", *KIDS],
    place=own("mum's"),
    time=OVER_NEW_YEAR,
    seconds=90,
)


def render() -> str:
    """heldout/requests.yaml as it must be on disk."""
    header = (
        "# HELD-OUT understanding corpus: a different user (Toronto), clock (Mon 16 Feb 2026 09:30) and phrasings.\n"
        "# Written WITHOUT looking at the request parser (streams/understanding/*): an honest test of how it\n"
        "# generalises. Expectations are what a CORRECT system understands under bench/relevance/README.md.\n"
        "# Written by heldout/make_requests.py (edit there and run it); its docstring gives the interpretations.\n"
    )
    document = {
        "heldout": True,
        "now": NOW.isoformat(),
        "now_weekday": NOW.strftime("%A"),
        "timezone": str(ZONE),
        "defaults": {"target_seconds": DEFAULT, "short_seconds": SHORT, "long_seconds": LONG},
        "vocabulary": {"people": PEOPLE, "places": PLACES, "cities": CITIES, "regions": REGIONS},
        "requests": REQUESTS,
    }
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=120, default_flow_style=None)
    return header + text.replace("\n- text:", "\n\n- text:")


def main() -> None:
    texts = [q["text"] for q in REQUESTS]
    assert len(texts) == len(set(texts)), [t for t in texts if texts.count(t) > 1]
    (HERE / "requests.yaml").write_text(render())
    print(f"{len(REQUESTS)} requests")


if __name__ == "__main__":
    main()
