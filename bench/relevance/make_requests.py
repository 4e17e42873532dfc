"""Writes requests.yaml: the understanding corpus, by hand, one line per request.

Every expectation below is written out (no parser runs here): what a CORRECT system understands, under the
conventions of README.md. Times are built with the small helpers below so that the same convention always gives
the same window. Run it from the repo root after an edit and commit both files:

    .venv/bin/python bench/relevance/make_requests.py
"""

from __future__ import annotations

import copy
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

HERE = Path(__file__).parent
ZONE = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 6, 17, 15, 0, tzinfo=ZONE)  # a Wednesday
DEFAULT, SHORT, LONG = 120, 30, 300

OWN = {"home": "DE", "work": "DE", "lake house": "DE", "grandma's": "AT"}

REQUESTS: list[dict] = []


# ---------------------------------------------------------------- helpers: places
def city(name: str, cc: str) -> dict:
    return {"kind": "city", "name": name, "country_code": cc}


def region(name: str, cc: str) -> dict:
    return {"kind": "region", "name": name, "country_code": cc}


def country(name: str, cc: str) -> dict:
    return {"kind": "country", "name": name, "country_code": cc}


def own(name: str) -> dict:
    return {"kind": "own", "name": name, "country_code": OWN[name]}


LISBON, KYOTO, REYKJAVIK = city("Lisbon", "PT"), city("Kyoto", "JP"), city("Reykjavik", "IS")
AMSTERDAM, ROTTERDAM = city("Amsterdam", "NL"), city("Rotterdam", "NL")
DENVER, CAPE_TOWN = city("Denver", "US"), city("Cape Town", "ZA")
JAPAN, ICELAND, PORTUGAL = country("Japan", "JP"), country("Iceland", "IS"), country("Portugal", "PT")
NETHERLANDS, SOUTH_AFRICA = country("Netherlands", "NL"), country("South Africa", "ZA")
USA, AUSTRIA, GERMANY = country("United States", "US"), country("Austria", "AT"), country("Germany", "DE")


# ---------------------------------------------------------------- helpers: times ([start, end), local)
def iso(value: date | datetime) -> str:
    return value.isoformat()


def span(start: date | datetime, end: date | datetime) -> dict:
    assert start < end, (start, end)
    return {"start": iso(start), "end": iso(end)}


def day(y: int, m: int, d: int, days: int = 1) -> dict:
    first = date(y, m, d)
    return span(first, first + timedelta(days=days))


def hours(y: int, m: int, d: int, start_h: int, end_h: int) -> dict:
    """Part of a day, in the user's zone; end_h may pass midnight (e.g. 29 = 05:00 the next day)."""
    midnight = datetime(y, m, d, tzinfo=ZONE)
    start = (midnight + timedelta(hours=start_h)).astimezone(ZONE)
    end = datetime.combine(midnight.date() + timedelta(days=end_h // 24), datetime.min.time(), ZONE)
    end = end.replace(hour=end_h % 24)
    return span(start, end)


def month(y: int, m: int, months: int = 1) -> dict:
    end_m = m + months
    return span(date(y, m, 1), date(y + (end_m - 1) // 12, (end_m - 1) % 12 + 1, 1))


def year(y: int, years: int = 1) -> dict:
    return span(date(y, 1, 1), date(y + years, 1, 1))


SEASON_START = {"spring": 3, "summer": 6, "autumn": 9, "winter": 12}


def season(name: str, y: int) -> dict:
    """Meteorological, northern: winter y = Dec y to the end of Feb y+1."""
    return month(y, SEASON_START[name], 3)


def since(start: date | datetime) -> dict:
    """From the start of a day (local midnight) or a moment, until now."""
    if not isinstance(start, datetime):
        start = datetime.combine(start, datetime.min.time(), ZONE)
    return span(start, NOW)


TODAY = day(2026, 6, 17)
YESTERDAY = day(2026, 6, 16)
THIS_WEEK = day(2026, 6, 15, 7)
LAST_WEEK = day(2026, 6, 8, 7)
TWO_WEEKS_AGO = day(2026, 6, 1, 7)
LAST_WEEKEND = day(2026, 6, 13, 2)
LAST_MONTH = month(2026, 5)
THIS_MONTH = month(2026, 6)
THIS_YEAR, LAST_YEAR = year(2026), year(2025)
EARLIER_THIS_YEAR = since(date(2026, 1, 1))
CHRISTMAS_2025, CHRISTMAS_2024 = day(2025, 12, 24, 3), day(2024, 12, 24, 3)
NYE_2025 = day(2025, 12, 31)
EASTER_2026, EASTER_2025 = day(2026, 4, 3, 4), day(2025, 4, 18, 4)  # Good Friday to Easter Monday
SPRING, SUMMER = season("spring", 2026), season("summer", 2026)  # the most recent that has begun
AUTUMN, WINTER = season("autumn", 2025), season("winter", 2025)
LAST_SUMMER = season("summer", 2025)
THIS_MORNING = hours(2026, 6, 17, 5, 12)
YESTERDAY_EVENING = hours(2026, 6, 16, 17, 24)
LAST_NIGHT = hours(2026, 6, 16, 17, 29)
BIRTHDAY = {
    "anna": day(2025, 9, 14),
    "thomas": day(2025, 11, 22),
    "mia": day(2025, 7, 30),
    "sam": day(2026, 5, 9),
    "tom": day(2025, 7, 9),
    "me": day(2026, 2, 3),
}


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


K = "dur-holiday"  # holiday words must not be read as a duration ("Christmas" → "1 s")
r("Christmas with my wife", K, ["anna"], time=CHRISTMAS_2025)
r("make a video of Christmas", K, time=CHRISTMAS_2025)
r("our Christmas at grandma's", K, place=own("grandma's"), time=CHRISTMAS_2025)
r("Christmas Eve with the kids", K, ["thomas", "mia"], time=day(2025, 12, 24))
r("show me Christmas 2024", K, time=CHRISTMAS_2024)
r("Easter with Anna", K, ["anna"], time=EASTER_2026)
r("Christmas morning", K, time=hours(2025, 12, 25, 5, 12))
r("Christmas 2025 with Thomas and Mia", K, ["thomas", "mia"], time=CHRISTMAS_2025)
r("a boxing day walk", K, time=day(2025, 12, 26), search=["walk"])
r("Christmas dinner with Rosa", K, ["rosa"], time=CHRISTMAS_2025, search=["dinner"])
r("the Easter egg hunt at home", K, place=own("home"), time=EASTER_2026, search=["egg", "hunt"])
r(
    "Christmases at the lake house",
    K,
    place=own("lake house"),
    note="plural: every Christmas, so no single window is right; no duration either",
)

K = "dur-us-state"  # US state names must not be read as durations ("Maine" → "min", "Mississippi" → "s")
r("the lighthouses in Maine", K, place=region("Maine", "US"), search=["lighthouses"])
r("a video from Mississippi", K, place=region("Mississippi", "US"))
r("Massachusetts last fall", K, place=region("Massachusetts", "US"), time=AUTUMN)
r("my brother in Minnesota", K, ["tom"], place=region("Minnesota", "US"))
r("show me Missouri", K, place=region("Missouri", "US"))
r("the beaches of Maine", K, place=region("Maine", "US"), search=["beaches"])
r("Montana with Sam", K, ["sam"], place=region("Montana", "US"))
r("memories of Colorado", K, place=region("Colorado", "US"))
r("a two minute video of Mississippi", K, place=region("Mississippi", "US"), seconds=120)
r("a short video of Massachusetts", K, place=region("Massachusetts", "US"), seconds=SHORT)
r("Michigan in the summer of 2025", K, place=region("Michigan", "US"), time=season("summer", 2025))
r(
    "the mountains in Colorado last October",
    K,
    place=region("Colorado", "US"),
    time=month(2025, 10),
    search=["mountains"],
)

K = "dur-dam-city"  # cities ending in "-dam" must stay places, not "60 s"
r("Amsterdam", K, place=AMSTERDAM)
r("our weekend in Rotterdam", K, place=ROTTERDAM, note="'our weekend' names the trip, not a calendar weekend")
r("a video of Amsterdam in April", K, place=AMSTERDAM, time=month(2026, 4))
r("the canals of Amsterdam", K, place=AMSTERDAM, search=["canals"])
r("Rotterdam with my wife", K, ["anna"], place=ROTTERDAM)
r("show me Amsterdam", K, place=AMSTERDAM)
r("a 30 second reel of Rotterdam", K, place=ROTTERDAM, seconds=30)
r("the museum in Amsterdam", K, place=AMSTERDAM, search=["museum"])
r("Potsdam last year", K, place=city("Potsdam", "DE"), time=LAST_YEAR)
r("Amsterdam and the flowers", K, place=AMSTERDAM, search=["flowers"])
r("the cheese market in Edam", K, place=city("Edam", "NL"), search=["cheese", "market"])
r("Volendam with Anna", K, ["anna"], place=city("Volendam", "NL"))

K = "dur-name-s"  # names ending in "s" and possessive "'s" must not lose an "s" to "seconds"
r("Thomas", K, ["thomas"])
r("a video of Thomas", K, ["thomas"])
r("Thomas at the beach", K, ["thomas"], search=["beach"])
r(
    "Sam's graduation",
    K,
    ["sam"],
    search=["graduation"],
    note="an occasion whose date the vocabulary does not know: the person filters, the occasion is searched",
)
r("Thomas's football game", K, ["thomas"], search=["football", "game"])
r("James and Thomas", K, ["thomas"], unknown=["James"])
r("Lucas in Lisbon", K, place=LISBON, unknown=["Lucas"])
r("Thomas and Sam", K, ["thomas", "sam"])
r("Sam's dog", K, ["sam"], search=["dog"])
r("me and Thomas in Kyoto", K, ["me", "thomas"], place=KYOTO)
r("a video with Charles", K, unknown=["Charles"])
r("Thomas's graduation in May", K, ["thomas"], time=month(2026, 5), search=["graduation"])

K = "me-object"  # "show me", "give me", "make me", "send me": the wearer is the recipient, not a person filter
r("show me Tom", K, ["tom"])
r("give me a video of Anna", K, ["anna"])
r("make me a short clip of the dog", K, seconds=SHORT, search=["dog"])
r("send me the horses in Iceland", K, place=ICELAND, search=["horses"])
r("show me Thomas and Sam", K, ["thomas", "sam"])
r("can you show me Lisbon", K, place=LISBON)
r("make me a memory video of my wife", K, ["anna"])
r("get me something from Kyoto", K, place=KYOTO)
r("show me my brother", K, ["tom"])
r("send me a reel of Cape Town", K, place=CAPE_TOWN)
r("play me the New Year's Eve video", K, time=NYE_2025)
r("find me the giraffe", K, search=["giraffe"])
r("build me a 2 minute video of Amsterdam", K, place=AMSTERDAM, seconds=120)

K = "me-participant"  # "me" / "I" as one of the people in the video: the wearer is a person filter
r("my wife and me in Lisbon", K, ["me", "anna"], place=LISBON)
r("Anna and I at the lake house", K, ["me", "anna"], place=own("lake house"))
r("me and Tom", K, ["me", "tom"])
r("a video of me and the kids", K, ["me", "thomas", "mia"])
r("Thomas and me playing basketball", K, ["me", "thomas"], search=["playing", "basketball"])
r("me with my brother in Denver", K, ["me", "tom"], place=DENVER)
r("pictures of me and Sam", K, ["me", "sam"])
r("me at work", K, ["me"], place=own("work"))
r("Mia and me last summer", K, ["me", "mia"], time=LAST_SUMMER)
r("a video of myself in Reykjavik", K, ["me"], place=REYKJAVIK)

K = "time-relative"  # relative days, weeks, months, years
r("two weeks ago", K, time=TWO_WEEKS_AGO)
r("what did I do 3 days ago", K, time=day(2026, 6, 14))
r("yesterday", K, time=YESTERDAY)
r("last month", K, time=LAST_MONTH)
r("a video from last week", K, time=LAST_WEEK)
r("the day before yesterday", K, time=day(2026, 6, 15))
r("last Friday", K, time=day(2026, 6, 12))
r("a week ago", K, time=LAST_WEEK)
r("three weeks ago with Anna", K, ["anna"], time=day(2026, 5, 25, 7))
r("today", K, time=TODAY)
r("this week", K, time=THIS_WEEK)
r("two months ago", K, time=month(2026, 4))
r("on Monday", K, time=day(2026, 6, 15))
r("earlier this year", K, time=EARLIER_THIS_YEAR)
r("last year in Denver", K, place=DENVER, time=LAST_YEAR)
r("this month", K, time=THIS_MONTH)

K = "time-part-of-day"
r("this morning", K, time=THIS_MORNING)
r("yesterday evening", K, time=YESTERDAY_EVENING)
r("last night", K, time=LAST_NIGHT)
r("this afternoon", K, time=hours(2026, 6, 17, 12, 17))
r("yesterday morning", K, time=hours(2026, 6, 16, 5, 12))
r("earlier today", K, time=since(datetime(2026, 6, 17, tzinfo=ZONE)))
r("Saturday night", K, time=hours(2026, 6, 13, 17, 29))
r("Sunday afternoon", K, time=hours(2026, 6, 14, 12, 17))
r("on Friday evening", K, time=hours(2026, 6, 12, 17, 24))
r("the dog this morning", K, time=THIS_MORNING, search=["dog"])
r("yesterday afternoon at home", K, place=own("home"), time=hours(2026, 6, 16, 12, 17))
r("tonight", K, time=hours(2026, 6, 17, 17, 24))

K = "time-holiday"
r("last Christmas", K, time=CHRISTMAS_2025)
r("New Year's Eve", K, time=NYE_2025)
r("New Year's Day", K, time=day(2026, 1, 1))
r("over New Year", K, time=day(2025, 12, 31, 2))
r("Christmas Eve", K, time=day(2025, 12, 24))
r("Easter", K, time=EASTER_2026)
r("last Easter", K, time=EASTER_2026)
r("Easter 2025", K, time=EASTER_2025)
r("Halloween", K, time=day(2025, 10, 31))
r("Valentine's Day with my wife", K, ["anna"], time=day(2026, 2, 14))
r("New Year's Eve 2024", K, time=day(2024, 12, 31))
r("the party on New Year's Eve", K, time=NYE_2025, search=["party"])

K = "time-range"
r("between May and July 2024", K, time=month(2024, 5, 3))
r("from March to May", K, time=month(2026, 3, 3))
r("from June to August 2025", K, time=month(2025, 6, 3))
r("from January to March", K, time=month(2026, 1, 3))
r("between April and June", K, time=month(2026, 4, 3))
r("from the 1st to the 10th of June", K, time=day(2026, 6, 1, 10))
r("between 2024 and 2025", K, time=year(2024, 2))
r("from October to December 2025", K, time=month(2025, 10, 3))
r("between September and November", K, time=month(2025, 9, 3))
r("from November to February", K, time=month(2025, 11, 4))
r("May to July 2024 in Iceland", K, place=ICELAND, time=month(2024, 5, 3))
r("since March", K, time=since(date(2026, 3, 1)))
r("since Christmas", K, time=since(date(2025, 12, 24)))

K = "time-week"
r("the first week of June", K, time=day(2026, 6, 1, 7))
r("last weekend", K, time=LAST_WEEKEND)
r("the last week of May", K, time=day(2026, 5, 25, 7))
r("the second week of April 2025", K, time=day(2025, 4, 8, 7))
r("the weekend before last", K, time=day(2026, 6, 6, 2))
r("this weekend", K, time=day(2026, 6, 20, 2))
r("the first week of January", K, time=day(2026, 1, 1, 7))
r("last weekend with the kids", K, ["thomas", "mia"], time=LAST_WEEKEND)
r("the first weekend of May", K, time=day(2026, 5, 2, 2))
r("the last week of December", K, time=day(2025, 12, 25, 7))
r("the first week of June 2025 in Lisbon", K, place=LISBON, time=day(2025, 6, 1, 7))

K = "time-season"
r("in the summer of 2025", K, time=season("summer", 2025))
r("last summer", K, time=LAST_SUMMER)
r("this spring", K, time=SPRING)
r(
    "our spring in Japan",
    K,
    place=JAPAN,
    time=SPRING,
    note="corpus convention: the most recent spring that has begun (2026); the album-aware choice of 2025 is "
    "tested by memories.yaml",
)
r("last autumn", K, time=AUTUMN)
r("in the fall of 2024", K, time=season("autumn", 2024))
r("last winter", K, time=WINTER)
r("summer 2024 in Iceland", K, place=ICELAND, time=season("summer", 2024))
r("this summer", K, time=SUMMER)
r("in the winter", K, time=WINTER)
r("spring 2025", K, time=season("spring", 2025))
r("in the spring", K, time=SPRING)
r("the lake house in summer", K, place=own("lake house"), time=SUMMER)

K = "time-month"
r("in May 2025", K, time=month(2025, 5))
r("in July", K, time=month(2025, 7))
r("last March", K, time=month(2026, 3))
r("in April", K, time=month(2026, 4))
r("October 2025 in Denver", K, place=DENVER, time=month(2025, 10))
r("in 2024", K, time=year(2024))
r("on the 3rd of May", K, time=day(2026, 5, 3))
r("on July 4th", K, time=day(2025, 7, 4))
r("last June", K, time=month(2025, 6))
r("in December", K, time=month(2025, 12))
r("14 September 2025", K, time=day(2025, 9, 14))
r("June 2024", K, time=month(2024, 6))
r("this year", K, time=THIS_YEAR)

K = "duration"
r("a short clip of Lisbon", K, place=LISBON, seconds=SHORT)
r("a quick video of the kids", K, ["thomas", "mia"], seconds=SHORT)
r("a 45 second video of Kyoto", K, place=KYOTO, seconds=45)
r("a two minute video of the lake house", K, place=own("lake house"), seconds=120)
r("half a minute of the horses", K, seconds=30, search=["horses"])
r("a long video of Reykjavik", K, place=REYKJAVIK, seconds=LONG)
r("a 90 second reel of Cape Town", K, place=CAPE_TOWN, seconds=90)
r("one minute of Amsterdam", K, place=AMSTERDAM, seconds=60)
r("a minute and a half with Anna", K, ["anna"], seconds=90)
r("make it 3 minutes", K, seconds=180)
r("a brief montage of last summer", K, time=LAST_SUMMER, seconds=SHORT)
r("a 20 sec clip of the giraffe", K, seconds=20, search=["giraffe"])
r("a five-minute film of 2025", K, time=LAST_YEAR, seconds=300)
r("a longer video of Denver", K, place=DENVER, seconds=LONG)
r("a super quick one of the dog", K, seconds=SHORT, search=["dog"])

K = "place-after-of"  # a city after "of" is a place, not an unknown person
r("a reel of Reykjavik", K, place=REYKJAVIK)
r("a video of Lisbon", K, place=LISBON)
r("memories of Kyoto", K, place=KYOTO)
r("a montage of Cape Town", K, place=CAPE_TOWN)
r("a clip of Denver", K, place=DENVER)
r("pictures of Salzburg", K, place=city("Salzburg", "AT"))
r("a film of Iceland", K, place=ICELAND)
r("highlights of Amsterdam with Anna", K, ["anna"], place=AMSTERDAM)
r("a reel of Tutzing", K, place=city("Tutzing", "DE"))
r("a video of Munich", K, place=city("Munich", "DE"))
r("a slideshow of Rotterdam", K, place=ROTTERDAM)
r("the best of Portugal", K, place=PORTUGAL)
r("a reel of Sintra", K, place=city("Sintra", "PT"))

K = "filler"  # words that say nothing about what is shown must not become search words
r("everything from Lisbon", K, place=LISBON)
r("show me everything", K)
r("make it about the dog", K, search=["dog"])
r("all the stuff from last week", K, time=LAST_WEEK)
r("some moments with Anna", K, ["anna"])
r(
    "the last time we were in Kyoto",
    K,
    place=KYOTO,
    note="'the last time' asks for the most recent visit, which the album decides: no calendar window",
)
r("just stuff from home", K, place=own("home"))
r("everything with Thomas in it", K, ["thomas"])
r("the best moments of last summer", K, time=LAST_SUMMER)
r("any clips of the horses", K, search=["horses"])
r("things we did in Amsterdam", K, place=AMSTERDAM)
r("a recap of everything in April", K, time=month(2026, 4))
r("some nice stuff from Cape Town", K, place=CAPE_TOWN)

K = "possessive"
r(
    "Anna's birthday",
    K,
    time=BIRTHDAY["anna"],
    note="the vocabulary knows the date: the day is the filter, not Anna's face",
)
r("Thomas's birthday party", K, time=BIRTHDAY["thomas"], search=["party"])
r("my wife's birthday", K, time=BIRTHDAY["anna"])
r("Mia's birthday", K, time=BIRTHDAY["mia"])
r("my birthday", K, time=BIRTHDAY["me"])
r("Tom's visit at Christmas", K, ["tom"], time=CHRISTMAS_2025)
r("my son's basketball game", K, ["thomas"], search=["basketball", "game"])
r("at Anna's parents' house", K, place=own("grandma's"))
r("Rosa's garden", K, ["rosa"], search=["garden"])
r("grandma's at Christmas", K, place=own("grandma's"), time=CHRISTMAS_2025)
r("Sam's birthday", K, time=BIRTHDAY["sam"])
r("Tom's birthday last year", K, time=day(2025, 7, 9))
r("Ben's red car", K, ["ben"], search=["red", "car"])

K = "relationship"
r("my son and his friend Sam", K, ["thomas", "sam"])
r("my wife and the kids", K, ["anna", "thomas", "mia"])
r("my brother", K, ["tom"])
r("our neighbour Ben", K, ["ben"])
r("my daughter at the beach", K, ["mia"], search=["beach"])
r("grandma and the kids", K, ["rosa", "thomas", "mia"])
r("Thomas's friend", K, ["sam"])
r("my mother-in-law", K, ["rosa"])
r("my sister in Denver", K, place=DENVER, unknown=["sister"])
r("the kids in Cape Town", K, ["thomas", "mia"], place=CAPE_TOWN)
r("my wife and my brother", K, ["anna", "tom"])
r("my dad", K, unknown=["dad"])
r("my son's friend", K, ["sam"])
r("the neighbor playing basketball", K, ["ben"], search=["playing", "basketball"])

K = "asr-lowercase"  # what a speech recogniser sends: lowercase, no punctuation, hesitations
r("show me anna and thomas in lisbon", K, ["anna", "thomas"], place=LISBON)
r("make a video of reykjavik", K, place=REYKJAVIK)
r("uh can you make a video of the dog um from last weekend", K, time=LAST_WEEKEND, search=["dog"])
r("christmas with my wife anna", K, ["anna"], time=CHRISTMAS_2025)
r("new years eve", K, time=NYE_2025)
r("thomas birthday", K, time=BIRTHDAY["thomas"])
r("a video of cape town", K, place=CAPE_TOWN)
r("sams graduation", K, ["sam"], search=["graduation"])
r("amsterdam last april", K, place=AMSTERDAM, time=month(2026, 4))
r("show me tom please", K, ["tom"])
r("um the horses in iceland", K, place=ICELAND, search=["horses"])
r("a short clip of kyoto", K, place=KYOTO, seconds=SHORT)
r("my wife and me at the lake house last summer", K, ["me", "anna"], place=own("lake house"), time=LAST_SUMMER)

K = "punctuation"
r("Lisbon!", K, place=LISBON)
r("Anna, Thomas, and Sam — in Kyoto?", K, ["anna", "thomas", "sam"], place=KYOTO)
r('"Reykjavik" please', K, place=REYKJAVIK)
r("Make a video: the dog, at home.", K, place=own("home"), search=["dog"])
r("Cape Town... last February?", K, place=CAPE_TOWN, time=month(2026, 2))
r("A 45-second video of Amsterdam!!", K, place=AMSTERDAM, seconds=45)
r("Show me... Tom.", K, ["tom"])
r("Kyoto; spring 2025", K, place=KYOTO, time=season("spring", 2025))
r("the giraffe?", K, search=["giraffe"])
r("Lisbon (June 2025)", K, place=LISBON, time=month(2025, 6))
r("Anna & me", K, ["me", "anna"])
r("Denver - the eagle - October", K, place=DENVER, time=month(2025, 10), search=["eagle"])

K = "number-words"
r("a thirty second video of Lisbon", K, place=LISBON, seconds=30)
r("a ninety-second clip", K, seconds=90)
r("twenty twenty five in Denver", K, place=DENVER, time=year(2025))
r("a one minute video", K, seconds=60)
r("three days ago", K, time=day(2026, 6, 14))
r("a fifteen second clip of the eagle", K, seconds=15, search=["eagle"])
r("two minutes of Reykjavik", K, place=REYKJAVIK, seconds=120)
r("ten seconds of the giraffe", K, seconds=10, search=["giraffe"])
r("the summer of twenty twenty four", K, time=season("summer", 2024))
r("the fourteenth of September", K, time=day(2025, 9, 14))
r("a forty five second reel", K, seconds=45)
r("five weeks ago", K, time=day(2026, 5, 11, 7))

K = "place-near"  # "near X" names X; how far around it is the system's radius, not another place
r("near home", K, place=own("home"))
r("near Cape Town", K, place=CAPE_TOWN)
r("somewhere near Lisbon", K, place=LISBON)
r("close to the lake house", K, place=own("lake house"))
r("around Denver", K, place=DENVER)
r("near work", K, place=own("work"))
r("the beaches near Lisbon", K, place=LISBON, search=["beaches"])
r("near Kyoto in the spring of 2025", K, place=KYOTO, time=season("spring", 2025))
r("near grandma's", K, place=own("grandma's"))
r("around Reykjavik with the horses", K, place=REYKJAVIK, search=["horses"])

K = "place-country"
r("Japan", K, place=JAPAN)
r("our trip to Portugal", K, place=PORTUGAL)
r("Iceland", K, place=ICELAND)
r("the Netherlands", K, place=NETHERLANDS)
r("Holland", K, place=NETHERLANDS)
r("South Africa", K, place=SOUTH_AFRICA)
r("the States", K, place=USA)
r("Austria at Christmas", K, place=AUSTRIA, time=CHRISTMAS_2025)
r("Germany in the summer", K, place=GERMANY, time=SUMMER)
r("France", K, place=country("France", "FR"))
r("America with Sam", K, ["sam"], place=USA)
r("Japanese temples", K, place=JAPAN, search=["temples"])

K = "place-own"  # the user's own named places win over the gazetteer
r("at home", K, place=own("home"))
r("at work", K, place=own("work"))
r("the lake house", K, place=own("lake house"))
r("at grandma's", K, place=own("grandma's"))
r("at the office", K, place=own("work"))
r("our house in the winter", K, place=own("home"), time=WINTER)
r("home this morning", K, place=own("home"), time=THIS_MORNING)
r("the cabin last summer", K, place=own("lake house"), time=LAST_SUMMER)
r("the garden at home", K, place=own("home"), search=["garden"])
r("grandma's house at Easter", K, place=own("grandma's"), time=EASTER_2026)

K = "unknown-name"  # a name nobody in the vocabulary has: say so, never guess
r("a video with Bob", K, unknown=["Bob"])
r("show me Julia", K, unknown=["Julia"])
r("Anna and Peter in Lisbon", K, ["anna"], place=LISBON, unknown=["Peter"])
r("Joe at the lake house", K, place=own("lake house"), unknown=["Joe"])
r("Lena's birthday", K, search=["birthday"], unknown=["Lena"])
r("my friend Maria", K, unknown=["Maria"])
r(
    "a reel of Kevin",
    K,
    unknown=["Kevin"],
    note="Kevin is also a village in Montana; one the user has never been to and too small to know is a name",
)
r("Sam and Alex", K, ["sam"], unknown=["Alex"])
r("Chris in Denver", K, place=DENVER, unknown=["Chris"])
r("a video of Anna and Sophie", K, ["anna"], unknown=["Sophie"])

K = "what-search"  # the words about what is shown, and only those
r("the horses in Iceland", K, place=ICELAND, search=["horses"])
r("a video of the cat", K, search=["cat"])
r("sunset at the lake", K, search=["sunset", "lake"])
r("the mountains at sunset", K, search=["mountains", "sunset"])
r("the giraffe and the zebra", K, search=["giraffe", "zebra"])
r("paintings in Amsterdam", K, place=AMSTERDAM, search=["paintings"])
r("birds", K, search=["birds"])
r("food in Lisbon", K, place=LISBON, search=["food"])
r("flowers in the garden", K, search=["flowers", "garden"])
r("the dog on the porch in Denver", K, place=DENVER, search=["dog", "porch"])
r("the beach with the kites", K, search=["beach", "kites"])
r("the foggy lake", K, search=["foggy", "lake"])
r("the card game", K, search=["card", "game"])

K = "combined"
r(
    "a memory video of my wife and me in Paris last summer",
    K,
    ["me", "anna"],
    place=city("Paris", "FR"),
    time=LAST_SUMMER,
)
r(
    "a 2 minute video of Thomas and Sam in Denver in October 2025",
    K,
    ["thomas", "sam"],
    place=DENVER,
    time=month(2025, 10),
    seconds=120,
)
r("Kyoto with Anna in April 2025, short", K, ["anna"], place=KYOTO, time=month(2025, 4), seconds=SHORT)
r("the kids at grandma's at Christmas", K, ["thomas", "mia"], place=own("grandma's"), time=CHRISTMAS_2025)
r("a long reel of all our trips last year", K, time=LAST_YEAR, seconds=LONG)
r("the eagle in Denver last October", K, place=DENVER, time=month(2025, 10), search=["eagle"])
r("Tom at home on Christmas Day", K, ["tom"], place=own("home"), time=day(2025, 12, 25))
r(
    "Reykjavik in June 2024 with the horses, about a minute",
    K,
    place=REYKJAVIK,
    time=month(2024, 6),
    seconds=60,
    search=["horses"],
)
r("my brother in Amsterdam in the spring", K, ["tom"], place=AMSTERDAM, time=SPRING)
r("Lisbon, the first week of June 2025", K, place=LISBON, time=day(2025, 6, 1, 7))
r("a quick one of Ben and the dog last weekend", K, ["ben"], time=LAST_WEEKEND, seconds=SHORT, search=["dog"])


def render() -> str:
    """requests.yaml as it must be on disk."""
    album = yaml.safe_load((HERE / "album.yaml").read_text())
    vocabulary = album["vocabulary"]
    header = (
        "# The understanding corpus: what people say to the glasses, and what a CORRECT system understands.\n"
        "# Written by make_requests.py (edit there and run it); conventions in README.md.\n"
    )
    document = {
        "now": NOW.isoformat(),
        "now_weekday": NOW.strftime("%A"),
        "timezone": str(ZONE),
        "defaults": {"target_seconds": DEFAULT, "short_seconds": SHORT, "long_seconds": LONG},
        "vocabulary": {
            "people": [
                {k: p[k] for k in ("person_id", "name", "relationship", "birthday", "aliases", "friend_of") if k in p}
                for p in vocabulary["people"]
            ],
            "places": [
                {k: p[k] for k in ("name", "aliases", "country_code", "lat", "lon", "radius_m")}
                for p in vocabulary["places"]
            ],
            "cities": vocabulary["cities"],
            "regions": vocabulary["regions"],
        },
        "requests": REQUESTS,
    }
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=120, default_flow_style=None)
    return header + text.replace("\n- text:", "\n\n- text:")


def main() -> None:
    (HERE / "requests.yaml").write_text(render())
    print(f"{len(REQUESTS)} requests")


if __name__ == "__main__":
    main()
