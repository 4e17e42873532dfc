import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.intents import parse


@pytest.mark.parametrize(
    ("said", "kind"),
    [
        ("Take a picture", "take_picture"),
        ("Hey Reverie, take a photo!", "take_picture"),
        ("snap a pic", "take_picture"),
        ("Record a video", "record_video"),
        ("start recording", "record_video"),
        ("film this", "record_video"),
        ("take a video", "record_video"),
        ("Stop recording.", "stop_recording"),
        ("stop the video", "stop_recording"),
        ("Create a memory video of my wife and me in Paris", "create_memory"),
        ("make me a highlights video from last summer", "create_memory"),
        ("show me memories of the kids", "create_memory"),
        ("search for the beach", "search"),
        ("find coffee in Rome", "search"),
        ("show me photos of Anna", "search"),
        ("This is my wife Anna", "name_person"),
        ("that's my friend tom", "name_person"),
        ("meet Paul", "name_person"),
    ],
)
def test_commands_are_understood(said, kind):
    assert parse(said).kind == kind


def test_details_come_with_the_intent():
    anna = parse("This is my wife Anna")
    assert (anna.name, anna.relationship) == ("Anna", "wife")
    assert parse("meet Jean Paul").as_dict() == {
        "intent": "name_person",
        "heard": "meet jean paul",
        "name": "Jean Paul",
        "relationship": None,
    }
    assert parse("find the beach last summer").subject == "the beach last summer"
    assert parse("Hey Reverie, create a memory video of Paris.").subject == "create a memory video of Paris"
    assert parse("Find Tom in Rome!").subject == "Tom in Rome"


@pytest.mark.parametrize(
    "said", ["stop", "video", "", "   ", "search", "this is my wife", "what's the weather", "sing"]
)
def test_unclear_commands_get_a_question_back(said):
    intent = parse(said)
    assert intent.kind == "clarify" and intent.question.endswith((".", "?", ")."))


@given(st.text(max_size=120))
def test_any_words_get_an_intent_or_a_question(said):
    intent = parse(said)
    assert intent.kind in {
        "take_picture",
        "record_video",
        "stop_recording",
        "create_memory",
        "search",
        "name_person",
    } or (intent.kind == "clarify" and intent.question)
    assert parse(said) == intent  # deterministic
