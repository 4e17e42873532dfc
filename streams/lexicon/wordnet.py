"""WordNet 3.0 as Debian's ``wordnet-base`` installs it (``/usr/share/wordnet``): which words are everyday English
words, and for a noun, its synonyms and the more general nouns above it ("tabby" → "cat" → "feline" → … "animal").

Read here from the database files themselves: nltk's reader refuses ``/usr/share/wordnet`` in place and would need
a copied tree with a generated ``lexnames`` file, and we use only lemmas and noun hypernyms. Loading the four data
files takes about a second, once per process. ImageNet's classes are WordNet noun synsets: a class's id
(``n02123045``) is its offset in ``data.noun``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from core import heap
from core.shipped import ModelMissing

DEFAULT_DIR = Path(os.environ.get("REVERIE_WORDNET_DIR", "/usr/share/wordnet"))
POS = {"noun": "n", "verb": "v", "adj": "a", "adv": "r"}


@dataclass(frozen=True)
class Synset:
    offset: int
    pos: str
    words: tuple[str, ...]  # as WordNet writes them: "tabby", "tabby_cat", "James"
    hypernyms: tuple[int, ...]  # offsets of the more general synsets (nouns: "@" and "@i" pointers)


class WordNet:
    def __init__(self, folder: Path = DEFAULT_DIR) -> None:
        if not (folder / "data.noun").exists():
            raise ModelMissing(f"WordNet is not installed in {folder}: apt-get install wordnet-base")
        self.nouns: dict[int, Synset] = {}
        self.by_lemma: dict[str, list[int]] = {}  # noun lemma (lower case, spaces) → synsets, commonest sense first
        self.common: set[str] = set()  # every lemma WordNet also writes in lower case: an everyday word
        self.noun_exceptions: dict[str, str] = {}  # "children" → "child", "geese" → "goose"
        for name, pos in POS.items():
            for line in (folder / f"data.{name}").read_text(encoding="latin-1").splitlines():
                if line.startswith("  "):
                    continue  # the licence at the top
                synset = _synset(line, pos)
                for word in synset.words:
                    lemma = word.replace("_", " ")
                    if lemma[:1].islower():
                        self.common.add(lemma.lower())
                if pos == "n":
                    self.nouns[synset.offset] = synset
        for line in (folder / "index.noun").read_text(encoding="latin-1").splitlines():
            if line.startswith("  "):
                continue
            fields = line.split()
            senses = int(fields[2])
            self.by_lemma[fields[0].replace("_", " ")] = [int(o) for o in fields[-senses:]]
        for name in POS:  # inflections: "went" → "go", "children" → "child"
            exceptions = folder / f"{name}.exc"
            if exceptions.exists():
                for line in exceptions.read_text(encoding="latin-1").splitlines():
                    if line.strip():
                        inflected, *base = line.split()
                        self.common.add(inflected.replace("_", " "))
                        if name == "noun" and base:
                            self.noun_exceptions[inflected.replace("_", " ")] = base[0].replace("_", " ")

    def is_word(self, word: str) -> bool:
        """An everyday English word (not only a name): 'show', 'summer', 'lena' (a river) — but not 'julia'."""
        return word.lower() in self.common

    def base_nouns(self, word: str) -> list[str]:
        """The noun lemmas a word may be (WordNet's morphy for nouns): "horses" → ["horse"], "geese" → ["goose"]."""
        word = word.lower().replace("_", " ")
        found = [word] if word in self.by_lemma else []
        if word in self.noun_exceptions:
            found.append(self.noun_exceptions[word])
        for suffix, ending in (("ies", "y"), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"),
                               ("men", "man"), ("s", "")):  # fmt: skip
            if word.endswith(suffix) and (base := word[: -len(suffix)] + ending) in self.by_lemma:
                found.append(base)
        return list(dict.fromkeys(found))

    def noun(self, offset: int) -> Synset | None:
        return self.nouns.get(offset)

    def ancestors(self, offset: int, depth: int = 12) -> list[Synset]:
        """The noun's more general synsets, nearest first, each once."""
        seen: dict[int, Synset] = {}
        frontier = [offset]
        for _ in range(depth):
            above = [h for o in frontier if (s := self.nouns.get(o)) for h in s.hypernyms if h not in seen]
            for h in above:
                if h in self.nouns:
                    seen[h] = self.nouns[h]
            frontier = above
            if not frontier:
                break
        return list(seen.values())

    def synsets(self, lemma: str) -> list[Synset]:
        return [self.nouns[o] for o in self.by_lemma.get(lemma.lower().replace("_", " "), [])]


def _synset(line: str, pos: str) -> Synset:
    fields = line.split(" | ", maxsplit=1)[0].split()
    offset, count = int(fields[0]), int(fields[3], 16)
    words = tuple(fields[4 + 2 * i] for i in range(count))
    at = 4 + 2 * count
    pointers = int(fields[at])
    hypernyms = []
    for i in range(pointers):
        symbol, target, target_pos = fields[at + 1 + 4 * i : at + 4 + 4 * i]
        if symbol in ("@", "@i") and target_pos == "n":
            hypernyms.append(int(target))
    # adjectives carry a marker after the word: "good(a)"
    return Synset(offset, pos, tuple(w.split("(")[0] for w in words), tuple(hypernyms))


@lru_cache(maxsize=1)
@heap.settles
def wordnet() -> WordNet:
    return WordNet()
