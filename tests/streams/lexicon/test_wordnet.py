"""WordNet 3.0 as Debian's wordnet-base installs it: everyday words, noun forms, the hierarchy (no services)."""

from streams.lexicon.wordnet import wordnet


def test_everyday_words_are_told_from_names():
    words = wordnet()
    assert words.is_word("show") and words.is_word("summer") and words.is_word("went")
    assert not words.is_word("julia") and not words.is_word("kevin")


def test_noun_forms():
    words = wordnet()
    assert words.base_nouns("horses") == ["horse"]
    assert "goose" in words.base_nouns("geese") and "child" in words.base_nouns("children")


def test_a_tabby_is_a_cat_and_an_animal():
    words = wordnet()
    tabby = words.noun(2123045)  # ImageNet's n02123045
    assert tabby is not None and "tabby" in tabby.words
    above = {w for synset in words.ancestors(tabby.offset) for w in synset.words}
    assert {"cat", "feline", "animal"} <= above
    assert words.synsets("cat")[0].offset == 2121620  # the commonest sense first: the feline
