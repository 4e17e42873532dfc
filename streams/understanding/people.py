"""Who a request is about: the user's people by name, alias or relationship ("my wife", "Thomas's friend"), the
wearer ("me", "Anna and I"), birthdays, and the names nobody in the vocabulary has (feedback, never a guess).

The vocabulary is the user's own; the only outside knowledge is which words are relationships and which
capitalised words are first names (the US census list that the ``names`` package ships).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from streams.geo.gazetteer import fold
from streams.lexicon.names import first_names
from streams.lexicon.wordnet import wordnet
from streams.understanding.words import FILLER

RELATIONSHIPS = {  # what people say → the relationships a user may have given
    "wife": ("wife",),
    "husband": ("husband",),
    "partner": ("partner", "wife", "husband"),
    "spouse": ("wife", "husband", "partner"),
    "kids": ("son", "daughter", "kid", "child"),
    "children": ("son", "daughter", "kid", "child"),
    "son": ("son",),
    "daughter": ("daughter",),
    "mom": ("mother", "mom", "mum"),
    "mum": ("mother", "mom", "mum"),
    "mother": ("mother", "mom", "mum"),
    "dad": ("father", "dad"),
    "father": ("father", "dad"),
    "parents": ("mother", "father", "mom", "dad", "mum"),
    "sister": ("sister",),
    "brother": ("brother",),
    "friend": ("friend",),
    "friends": ("friend",),
    "grandma": ("grandmother", "grandma"),
    "grandmother": ("grandmother", "grandma"),
    "granny": ("grandmother", "grandma"),
    "grandpa": ("grandfather", "grandpa"),
    "grandfather": ("grandfather", "grandpa"),
    "neighbour": ("neighbour", "neighbor"),
    "neighbor": ("neighbour", "neighbor"),
    "neighbours": ("neighbour", "neighbor"),
    "neighbors": ("neighbour", "neighbor"),
}
# Said of someone the user may not have named yet: asked for, they get "name them in People first"
RELATIONSHIPS |= {
    word: (word.removesuffix("s") if word.endswith("s") and not word.endswith("ss") else word,)
    for word in """mother-in-law father-in-law brother-in-law sister-in-law son-in-law daughter-in-law in-laws cousin
    cousins aunt aunts uncle uncles niece nieces nephew nephews grandson granddaughter grandchildren grandkids
    boyfriend girlfriend fiance fiancee colleague colleagues boss teacher coach""".split()
}
# "show me Tom", "make me a video": the wearer receives the video, they are not asked to be in it
_ME_OBJECT = re.compile(
    r"\b(?:show|give|make|send|find|get|play|build|create|bring|render|put\s+together|pull\s+up|do)\s+me\b(?!\s+(?:and|&)\b)",
    re.IGNORECASE,
)
_ME = re.compile(r"\b(?:me|myself)\b|(?<=\band\s)I\b|\bI(?=\s+(?:and|&)\s)", re.IGNORECASE)
_POSSESSIVE = r"(?:'s|’s|s'|’|s)?"
# a word-like name, capitalised: "Lena", "O'Brien", "Anne-Marie"
_CAPITALISED = re.compile(r"(?<![\w'])([A-Z][a-z]+(?:-[A-Z]?[a-z]+|'[A-Z][a-z]+)*)(?:'s|’s)?(?![\w])")
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|[\"“(—–-]\s*)$")


@dataclass(frozen=True)
class PersonRef:
    said: str
    person_id: str
    name: str | None
    relationship: str | None


@dataclass(frozen=True)
class Found:
    people: list[PersonRef]
    unknown: list[str]  # feedback sentences
    names: list[str]  # what was said of the people nobody is ("Lena", "sister")
    rest: str


def _cut(rest: str, match: re.Match[str]) -> str:
    return rest[: match.start()] + " " + rest[match.end() :]


def _ref(said: str, person: dict[str, Any]) -> PersonRef:
    return PersonRef(said, person["person_id"], person.get("name") or None, person.get("relationship"))


def _said_names(person: dict[str, Any]) -> list[str]:
    names = [person.get("name") or ""] + list(person.get("aliases") or [])
    return sorted((n for n in names if n and fold(n) != "me"), key=len, reverse=True)


def find_people(rest: str, people: list[dict[str, Any]]) -> Found:
    """People named in ``rest`` (names before relationships, so "my wife Anna" is Anna once), and the rest."""
    found: list[PersonRef] = []
    unknown: list[str] = []
    names: list[str] = []
    # before names go ("show me Thomas and Sam" is not "show me and …"); what follows is said as a person
    rest = _ME_OBJECT.sub(" of ", rest)
    rest = _relationship_names(rest, people)
    rest = _owner_by_relationship(rest, people)
    rest, owners = _take_related(rest, people, found)
    for person in sorted(people, key=lambda p: -max((len(n) for n in _said_names(p)), default=0)):
        for name in _said_names(person):
            pattern = re.compile(rf"(?<![\w'-]){re.escape(name)}{_POSSESSIVE}(?![\w'-])", re.IGNORECASE)
            if (match := pattern.search(rest)) is not None:
                found.append(_ref(match[0], person))
                rest = pattern.sub(" ", rest)
    by_relationship: dict[str, list[dict[str, Any]]] = {}
    for person in people:
        if person.get("relationship"):
            by_relationship.setdefault(fold(person["relationship"]), []).append(person)
    for word, kinds in _relationship_words(people).items():
        pattern = re.compile(
            rf"(?<![\w-])(?:(?:my|our|the|his|her|their)\s+)?{re.escape(word)}{_POSSESSIVE}(?![\w-])", re.IGNORECASE
        )
        while (match := pattern.search(rest)) is not None:
            matching = [p for kind in kinds for p in by_relationship.get(kind, [])]
            if matching:
                found += [_ref(match[0].strip(), p) for p in matching]
            else:
                plural = word.endswith("s") and word not in ("boss",)
                unknown.append(f"I don't know who your {word} {'are' if plural else 'is'}: name them in People first.")
                names.append(word)
            rest = _cut(rest, match)
    if (match := _ME.search(rest)) is not None:
        wearer = by_relationship.get("me", [])
        if wearer:
            found += [_ref("me", p) for p in wearer]
        else:
            unknown.append("I don't know which face is yours: send an enrolment photo or name yourself in People.")
        rest = _ME.sub(" ", rest)
    unique = {p.person_id: p for p in found if p.person_id not in owners}
    return Found(list(unique.values()), unknown, names, rest)


def _relationship_names(rest: str, people: list[dict[str, Any]]) -> str:
    """'my friend Maria', 'his friend Leo': the name says who, so the relationship word goes; the name is then
    looked up among the user's people (or reported as unknown)."""
    words = "|".join(re.escape(w) for w in _relationship_words(people))
    pattern = (
        rf"(?<![\w-])(?:(?:my|our|his|her|their|the)\s+)?(?:best\s+|good\s+|old\s+)?(?:{words})(?=\s+(?-i:[A-Z][a-z]))"
    )
    return re.sub(pattern, " ", rest, flags=re.IGNORECASE)


def _owner_by_relationship(rest: str, people: list[dict[str, Any]]) -> str:
    """'my husband's brother' → "Dev's brother" when the husband is Dev: what the user named with an alias."""
    for word, kinds in _relationship_words(people).items():
        matching = [p for p in people if fold(p.get("relationship") or "") in kinds and p.get("name")]
        if len(matching) != 1:
            continue
        pattern = re.compile(rf"\b(?:my|our)\s+{re.escape(word)}(?:'s|’s)(?=\s+\w)", re.IGNORECASE)
        rest = pattern.sub(f"{matching[0]['name']}'s", rest)
    return rest


def _relationship_words(people: list[dict[str, Any]]) -> dict[str, tuple[str, ...]]:
    """The everyday words, and every relationship the user gave someone ("neighbour", "mother-in-law")."""
    words = dict(RELATIONSHIPS)
    for person in people:
        kind = fold(person.get("relationship") or "")
        if kind and kind != "me" and kind not in words:
            words[kind] = (kind,)
    return dict(sorted(words.items(), key=lambda item: -len(item[0])))


def _take_related(rest: str, people: list[dict[str, Any]], found: list[PersonRef]) -> tuple[str, set[str]]:
    """'Thomas's friend', 'my son's friend': the friend, not Thomas (whose id is returned to leave out)."""
    owners: set[str] = set()
    related = [p for p in people if p.get("friend_of")]
    if not related:
        return rest, owners
    for person in people:
        spoken = [*_said_names(person)]
        kind = fold(person.get("relationship") or "")
        spoken += [w for w, kinds in RELATIONSHIPS.items() if kind in kinds and not w.endswith("s")]
        for said in spoken:
            pattern = re.compile(
                rf"\b(?:(?:my|our|the)\s+)?{re.escape(said)}(?:'s|’s|s'|s)\s+(friends?|best\s+friend)\b", re.IGNORECASE
            )
            if (match := pattern.search(rest)) is None:
                continue
            friends = [p for p in related if p["friend_of"] == person["person_id"]]
            if friends:
                found += [_ref(match[0], p) for p in friends]
                owners.add(person["person_id"])
                rest = _cut(rest, match)
    return rest, owners - {p.person_id for p in found}


def take_birthday(
    rest: str, people: list[dict[str, Any]], now: datetime
) -> tuple[str, tuple[datetime, datetime, str] | None]:
    """'Anna's birthday', 'my birthday', 'Tom's birthday last year': the day, when the vocabulary knows it."""
    for person in people:
        if not person.get("birthday"):
            continue
        said = [*_said_names(person)]
        kind = fold(person.get("relationship") or "")
        said += ["my", "mine"] if kind == "me" else []
        said += [f"my {w}" for w, kinds in RELATIONSHIPS.items() if kind in kinds and not w.endswith("s")]
        for name in sorted(said, key=len, reverse=True):
            owner = re.escape(name) if name in ("my", "mine") else rf"{re.escape(name)}(?:'s|’s|s'|s)?"
            pattern = re.compile(rf"\b{owner}\s+birthday(?P<last>\s+last\s+year)?\b", re.IGNORECASE)
            if (match := pattern.search(rest)) is None:
                continue
            month, day = (int(part) for part in str(person["birthday"]).split("-"))
            year = now.year - 1 if match["last"] else now.year
            when = _birthday(year, month, day)
            if not match["last"] and datetime.combine(when, time(), now.tzinfo) > now:
                when = _birthday(year - 1, month, day)
            start = datetime.combine(when, time(), now.tzinfo)
            return _cut(rest, match), (start, start + timedelta(days=1), match[0].strip())
    return rest, None


def _birthday(year: int, month: int, day: int) -> date:
    return date(year, month, 28) if (month, day) == (2, 29) and year % 4 else date(year, month, day)


def take_unknown_names(rest: str, people: list[dict[str, Any]]) -> tuple[list[str], str]:
    """Capitalised first names nobody in the vocabulary has, and capitalised words after 'of', 'with' or 'and'
    or before "'s" that are not words: said as people, so they must not be ignored or searched for."""
    is_word = wordnet().is_word
    known = {fold(n) for p in people for n in _said_names(p)}
    strangers: list[str] = []
    for match in _CAPITALISED.finditer(rest):
        word = match[1]
        folded = fold(word)
        if folded in known or folded in FILLER or folded in strangers:
            continue
        before = rest[: match.start()]
        start = _SENTENCE_START.search(before) is not None
        introduced = re.search(r"\b(?:of|with|and|&)\s+$", before, re.IGNORECASE) is not None
        possessive = match[0].endswith(("'s", "’s"))
        if folded in first_names() and not (start and is_word(folded)):
            strangers.append(word)
        elif (introduced or possessive) and not is_word(folded):
            strangers.append(word)
    for word in strangers:
        rest = re.sub(rf"(?<![\w']){re.escape(word)}(?:'s|’s)?(?![\w'])", " ", rest)
    return strangers, rest
