"""First names shipped in the names package (no services)."""

from streams.lexicon.names import first_names


def test_census_first_names():
    names = first_names()
    assert len(names) > 5000
    assert {"lena", "chris", "maria", "thomas"} <= names
    assert "giraffe" not in names
