"""What a spoken command asks for: take a picture, record a video, stop recording, create a memory, search, or
name the person in view. Deterministic rules over the words (no model), so the answer can say what it heard.

Anything else, or a command that could mean two things ("stop", "video"), gets a question back, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WAKE = re.compile(r"^(hey|ok|okay)?\s*(reverie|glasses)[,.!]?\s+", re.IGNORECASE)
RELATIONSHIPS = (
    "wife", "husband", "partner", "girlfriend", "boyfriend", "son", "daughter", "mother", "father", "mom", "mum",
    "dad", "sister", "brother", "friend", "colleague", "grandmother", "grandfather", "grandma", "grandpa", "aunt",
    "uncle", "cousin", "niece", "nephew", "fiancee", "fiance", "baby",
)  # fmt: skip
# Primes Whisper with the words commands use: tiny.en mishears a synthetic "take a picture" without it.
PROMPT = (
    "Commands to smart glasses: take a picture. Record a video. Stop recording. Create a memory video of our "
    "trip. Search for the kids. This is my friend Tom."
)
HELP = (
    'I can take a picture, record a video, stop recording, make a memory video ("a memory of Paris"), '
    'search your album ("find the beach"), or name someone you are looking at ("this is my wife Anna").'
)

RULES: list[tuple[str, re.Pattern[str]]] = [
    (
        "create_memory",
        re.compile(r"\b(create|make|build|give|show|put together)\b.*\b(memory|memories|highlights?|montage|recap)\b"),
    ),
    ("create_memory", re.compile(r"^(a )?(memory|highlights?|recap) (video )?(of|from)\b")),
    ("stop_recording", re.compile(r"\b(stop|end|finish|cut)\b.*\b(record(ing)?|video|filming|film)\b")),
    ("take_picture", re.compile(r"\b(take|snap|grab|capture)\b.*\b(picture|photo|pic|photograph|snapshot|shot)\b")),
    ("take_picture", re.compile(r"^(picture|photo|snapshot|cheese)$")),
    ("record_video", re.compile(r"\b(record|film|shoot|capture|start|take)\b.*\b(video|clip|recording|filming)\b")),
    ("record_video", re.compile(r"\b(record|film|shoot)\b.*\bthis\b|^(record|start recording|film)$")),
    (
        "search",
        re.compile(r"^(search|find|look)( for| up)?\b|^(show|find) me (the )?(photos?|pictures?|clips?|videos?)\b"),
    ),
    ("search", re.compile(r"^where (was|were|did)\b")),
    ("name_person", re.compile(r"^(this|that|here) is\b|^(this|that)'s\b|^meet\b")),
]
AMBIGUOUS = {
    "stop": 'Stop what? Say "stop recording" to end the video.',
    "video": 'Shall I record a video, or make a memory video? Say "record a video" or "make a memory of …".',
    "memory": 'A memory of what? Say, for example, "make a memory of our days in Paris".',
    "search": 'Search for what? Say, for example, "find the beach last summer".',
}


@dataclass(frozen=True)
class Intent:
    kind: str  # one of the rule names above, or "clarify"
    heard: str
    subject: str = ""  # what a memory or search is about, in the user's words
    name: str = ""  # name_person: the name and the relationship said
    relationship: str | None = None
    question: str = ""  # clarify: what to ask back

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"intent": self.kind, "heard": self.heard}
        if self.subject:
            out["subject"] = self.subject
        if self.kind == "name_person":
            out["name"], out["relationship"] = self.name, self.relationship
        if self.question:
            out["question"] = self.question
        return out


def normalise(text: str) -> str:
    words = re.sub(r"[^\w' -]+", " ", text.lower().replace("’", "'"))
    return WAKE.sub("", " ".join(words.split())).strip()


def parse(text: str) -> Intent:
    heard = normalise(text)
    spoken = WAKE.sub("", text.strip().strip(".!?").strip(), count=1) if heard else ""
    if not heard:
        return Intent("clarify", heard, question="I did not catch that. " + HELP)
    if heard in AMBIGUOUS:
        return Intent("clarify", heard, question=AMBIGUOUS[heard])
    for kind, pattern in RULES:
        if pattern.search(heard):
            return _detail(kind, heard, spoken)
    return Intent("clarify", heard, question=f'I am not sure what "{heard}" asks for. {HELP}')


def _detail(kind: str, heard: str, spoken: str) -> Intent:
    # Subjects keep the user's own capitals: the request parser tells names ("Tom") from words by them.
    if kind == "create_memory":
        return Intent(kind, heard, subject=spoken)
    if kind == "search":
        lead = r"^(search|find|look|show me|where (was|were|did))( for| up)?\s*"
        subject = re.sub(lead, "", spoken, flags=re.IGNORECASE).strip()
        if not subject:
            return Intent("clarify", heard, question=AMBIGUOUS["search"])
        return Intent(kind, heard, subject=subject)
    if kind == "name_person":
        return _naming(heard)
    return Intent(kind, heard)


def _naming(heard: str) -> Intent:
    rest = re.sub(r"^((this|that|here) is|(this|that)'s|meet)\s+", "", heard)
    rest = re.sub(r"^(my|our)\s+", "", rest)
    relationship = None
    first = rest.split(" ", 1)
    if first[0] in RELATIONSHIPS:
        relationship = first[0]
        rest = first[1] if len(first) > 1 else ""
    name = " ".join(w.capitalize() for w in rest.split() if w not in ("is", "called", "named"))[:80]
    if not name and relationship is None:
        return Intent("clarify", heard, question='Who is it? Say, for example, "this is my wife Anna".')
    if not name:
        return Intent("clarify", heard, question=f"What is your {relationship}'s name?")
    return Intent("name_person", heard, name=name, relationship=relationship)
