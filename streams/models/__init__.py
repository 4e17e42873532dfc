"""Model adapters behind one interface (``base.InferenceModel``), made by ``factory``: faces, image tags, text
embeddings, speech and the image–text models. Weights ship in packages."""
