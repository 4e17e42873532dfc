"""Knowledge of English words that ships offline: the WordNet database (Debian's wordnet-base), first names."""
