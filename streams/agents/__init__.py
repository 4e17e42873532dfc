"""One module per Faust agent, named for it: each turns one kind of event into the next (see streams/app.py)."""
