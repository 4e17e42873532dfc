"""What is kept outside the event log: blobs in S3 and the per-user keys that seal every event."""
