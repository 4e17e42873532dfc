"""Words that say nothing about what a clip shows: they are never searched for.

Articles, prepositions and pronouns; the verbs and nouns of asking ("show", "make", "video", "reel"); words that
only point ("everything", "stuff", "moments"); trip words; hesitations of speech ("uh", "um"). What describes what is
seen ("foggy", "red", "playing") stays.
"""

from __future__ import annotations

FILLER = frozenset(
    """a an and at by for from in into of on onto our the to with my me us we i you your he she it its they them their
his her him this that these those there here all any some every each everything anything something nothing stuff
things thing bits lot lots please just only also about around near somewhere anywhere everywhere really very
super nice good great cool lovely favourite favorite best top moments moment memories memory video videos clip clips
movie movies film films reel reels montage montages compilation slideshow slideshows recap recaps highlights
highlight story stories summary version one ones pictures picture photos photo shots shot footage
create make made show give get send find play build render put together pull up see look want would like could can
will let help do did does done was were is are be been being had have has go went going
what when where which who how while during time times day days trip trips visit visits weekend holiday holidays
long short quick brief little mini minute minutes second seconds min mins sec secs last
uh um er erm ah hmm ok okay hey oh well so like
pics pic vids vid snaps snap bits bit clips vacation vacations getaway close
""".split()
)
