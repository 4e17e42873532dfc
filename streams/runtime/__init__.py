"""What every agent runs on: the shared services, the consume loop, topics, lag, replay decoding, entity state."""
