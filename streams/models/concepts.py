"""Which image tags a word means. ImageNet's classes are WordNet noun synsets, so a word reaches every class it
names or stands above: "cat" reaches tabby, tiger cat, Persian cat…; "animal" every animal; "seaside" the seashore;
"coffee" espresso. The scene tags (beach, mountains…) are reached by their own words.

A class named by the word itself weighs 1; each step up WordNet's hierarchy between the class and the word costs
a little (a tabby is certainly a cat, but "animal" says less about which picture was meant). The most general
nouns ("object", "organism", "artifact") reach nothing: they would match every picture.
"""

from __future__ import annotations

from functools import lru_cache

from core import heap
from streams.lexicon.wordnet import wordnet
from streams.models.tags import SCENES, imagenet_classes

STEP = 0.08  # weight lost per step up the hierarchy
FLOOR = 0.5
TOO_GENERAL = frozenset(
    """entity physical_entity object physical_object whole unit living_thing animate_thing organism being artifact
artefact instrumentality instrumentation abstraction abstract_entity matter substance thing part portion
causal_agent cause causal_agency device container structure construction commodity trade_good good covering
equipment implement attribute relation measure group grouping material stuff solid chordate vertebrate craniate
placental placental_mammal eutherian eutherian_mammal invertebrate conveyance transport creation
""".split()
)


# Everyday words WordNet files elsewhere than people mean them: a pet is "a domesticated animal kept for
# companionship", not above dogs and cats in its hierarchy.
EVERYDAY = {
    "pet": ("dog", "domestic cat", "hamster", "guinea pig", "rabbit", "goldfish", "parrot"),
    "pets": ("dog", "domestic cat", "hamster", "guinea pig", "rabbit", "goldfish", "parrot"),
    "seaside": ("seashore", "beach", "sandbar"),
    "kitty": ("domestic cat",),
    "puppy": ("dog",),
}
SENSE = (1.0, 0.85, 0.7, 0.6)  # a word's commonest sense is what people mostly mean
RELATED = 0.55  # a word no class means reaches its nearest relatives (giraffe → other ruminants), weakly
MAX_RELATIVES = 40


class Concepts:
    def __init__(self) -> None:
        nouns = wordnet()
        self.nouns = nouns
        self.under: dict[int, dict[str, int]] = {}  # synset → the tag labels at or below it → steps down
        for wnid, label in imagenet_classes():
            synset = nouns.noun(int(wnid[1:]))
            if synset is None:
                continue
            self.under.setdefault(synset.offset, {})[label] = 0
            for depth, above in enumerate(nouns.ancestors(synset.offset), 1):
                if not _too_general(above.words):
                    steps = self.under.setdefault(above.offset, {})
                    steps[label] = min(steps.get(label, depth), depth)
        self.scenes: dict[str, dict[str, float]] = {}  # word → scene label → weight
        for thing, scene in SCENES.items():
            self._scene(scene, scene, 1.0)
            for synset in nouns.synsets(scene):
                for word in synset.words:
                    self._scene(word, scene, 0.9)
            self._scene(thing, scene, 0.8)

    def _scene(self, word: str, label: str, weight: float) -> None:
        labels = self.scenes.setdefault(word.lower().replace("_", " "), {})
        labels[label] = max(labels.get(label, 0.0), weight)

    def labels(self, word: str) -> dict[str, float]:
        """Tag label → weight for one word (any of its noun forms): empty when no tag means it."""
        found: dict[str, float] = dict(self.scenes.get(word.lower(), {}))
        for meant in EVERYDAY.get(word.lower(), ()):
            for label, weight in self.labels(meant).items():
                _keep(found, label, 0.9 * weight)
        senses = [
            (rank, offset)
            for form in [word.lower(), *self.nouns.base_nouns(word)]
            for rank, offset in enumerate(self.nouns.by_lemma.get(form, [])[: len(SENSE)])
        ]
        for rank, offset in senses:
            for label, steps in self.under.get(offset, {}).items():
                _keep(found, label, max(FLOOR, 1.0 - STEP * steps) * SENSE[rank])
        for scene, weight in [(SCENES[label], w) for label, w in found.items() if label in SCENES]:
            _keep(found, scene, 0.9 * weight)
        if found or not senses:
            return found
        for rank, offset in senses[:1]:  # no class is this word: its nearest relatives, if they are few
            for up, above in enumerate(self.nouns.ancestors(offset)[:2], 1):
                relatives = self.under.get(above.offset, {})
                if _too_general(above.words) or not relatives or len(relatives) > MAX_RELATIVES:
                    continue
                for label, steps in relatives.items():
                    _keep(found, label, RELATED**up * SENSE[rank] * max(FLOOR, 1.0 - STEP * steps))
                break
        return found

    def of_text(self, text: str) -> dict[str, dict[str, float]]:
        """Each word (or two-word name: "hot dog", "ice cream") of ``text`` that some tag means → its labels."""
        words = text.lower().split()
        found: dict[str, dict[str, float]] = {}
        i = 0
        while i < len(words):
            pair = " ".join(words[i : i + 2])
            if i + 1 < len(words) and (labels := self.labels(pair)):
                found[pair], i = labels, i + 2
                continue
            if labels := self.labels(words[i]):
                found[words[i]] = labels
            i += 1
        return found


def _too_general(words: tuple[str, ...]) -> bool:
    return any(w.lower() in TOO_GENERAL for w in words)


def _keep(found: dict[str, float], label: str, weight: float) -> None:
    found[label] = max(found.get(label, 0.0), round(weight, 4))


@lru_cache(maxsize=1)
@heap.settles
def concepts() -> Concepts:
    """Built once per process from WordNet (about a second with WordNet's own load)."""
    return Concepts()
