"""Which image tags a word means, through WordNet (no services)."""

from streams.models.concepts import concepts


def test_a_word_reaches_the_classes_it_names_or_stands_above():
    words = concepts()
    cat = words.labels("cat")
    assert {"tabby", "tiger cat", "Persian cat", "Egyptian cat"} <= set(cat)
    assert "beagle" not in cat
    assert set(words.labels("coffee")) == {"espresso"}
    assert "sorrel" in words.labels("horses")  # plural to noun, then below "horse"
    assert len(words.labels("animal")) > 300


def test_nearer_classes_weigh_more():
    words = concepts()
    assert words.labels("tabby")["tabby"] > words.labels("animal")["tabby"]


def test_everyday_words_and_scenes():
    words = concepts()
    assert {"beach", "seashore"} <= set(words.labels("seaside"))
    assert "golden retriever" in words.labels("pet")
    assert words.labels("beach")["beach"] == 1.0


def test_a_word_no_class_names_reaches_its_nearest_relatives_weakly():
    giraffe = concepts().labels("giraffe")
    assert giraffe and max(giraffe.values()) < 0.6  # other ruminants, not a confident match
    assert concepts().labels("snowman") == {} or max(concepts().labels("snowman").values()) < 0.6


def test_two_word_names_are_one_concept():
    found = concepts().of_text("hot dog at the beach")
    assert "hot dog" in found and "beach" in found
