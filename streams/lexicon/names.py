"""First names: the US census's 5,494 (1990), as the ``names`` package ships them. A capitalised word that is one
of them is taken for a person's name, so "Lena's birthday" asks about Lena rather than searching for "lena"."""

from __future__ import annotations

from functools import lru_cache

from core import heap
from core.shipped import shipped


@lru_cache(maxsize=1)
@heap.settles
def first_names() -> frozenset[str]:
    """Lower case."""
    folder = shipped("names", hint="pip install names")
    found: set[str] = set()
    for part in ("dist.male.first", "dist.female.first"):
        found |= {line.split()[0].lower() for line in (folder / part).read_text().splitlines() if line.strip()}
    return frozenset(found)
