"""Model adapters: faces, image tags and captions, text embeddings, speech. Weights ship in packages."""
