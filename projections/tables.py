"""The ClickHouse tables of the read model: their DDL (idempotent, with the column additions of later event
versions) and which columns say only when a row was written."""

from __future__ import annotations

DDL = (
    """CREATE TABLE IF NOT EXISTS captures (
        user_id String, capture_id String, event_id String, object_key String, content_type LowCardinality(String),
        size_bytes UInt64, sha256 String, filename String, device_id Nullable(String),
        uploaded_at DateTime64(3, 'UTC'), version UInt64
    ) ENGINE = ReplacingMergeTree(version) ORDER BY (user_id, capture_id)""",
    """CREATE TABLE IF NOT EXISTS clips (
        user_id String, capture_id String, event_id String, object_key String, duration_s Float64,
        width UInt32, height UInt32, fps Float64, video_codec LowCardinality(String),
        audio_codec Nullable(String), keyframes Array(Float64), captured_at DateTime64(3, 'UTC'),
        time_source LowCardinality(String), lat Nullable(Float64), lon Nullable(Float64),
        location_source LowCardinality(String), signature_model LowCardinality(String),
        probed_at DateTime64(3, 'UTC'), version UInt64
    ) ENGINE = ReplacingMergeTree(version) ORDER BY (user_id, capture_id)""",
    """CREATE TABLE IF NOT EXISTS memories (
        user_id String, memory_id String, stage LowCardinality(String), event_id String,
        occurred_at DateTime64(3, 'UTC'), text String, target_seconds Nullable(Float64),
        planned_seconds Nullable(Float64), place Nullable(String), segments String,
        object_key Nullable(String), duration_s Nullable(Float64), size_bytes Nullable(UInt64),
        render_seconds Nullable(Float64), reason Nullable(String), version UInt64
    ) ENGINE = ReplacingMergeTree(version) ORDER BY (user_id, memory_id, stage)""",
    # v2 events: captures and clips know their kind, clips their rotation, uploads their recording
    "ALTER TABLE captures ADD COLUMN IF NOT EXISTS kind LowCardinality(String) DEFAULT 'video'",
    "ALTER TABLE captures ADD COLUMN IF NOT EXISTS recording_id Nullable(String)",
    "ALTER TABLE clips ADD COLUMN IF NOT EXISTS kind LowCardinality(String) DEFAULT 'video'",
    "ALTER TABLE clips ADD COLUMN IF NOT EXISTS rotation Int16 DEFAULT 0",
    """CREATE TABLE IF NOT EXISTS recordings (
        user_id String, recording_id String, stage LowCardinality(String), event_id String, device_id String,
        kind LowCardinality(String), capture_id Nullable(String), at DateTime64(3, 'UTC'), version UInt64
    ) ENGINE = ReplacingMergeTree(version) ORDER BY (user_id, recording_id, stage)""",
    """CREATE TABLE IF NOT EXISTS places (
        user_id String, capture_id String, event_id String, city String, region String, subregion String,
        country_code LowCardinality(String), country LowCardinality(String), distance_km Float64,
        gazetteer LowCardinality(String), resolved_at DateTime64(3, 'UTC'), version UInt64
    ) ENGINE = ReplacingMergeTree(version) ORDER BY (user_id, capture_id)""",
    """CREATE TABLE IF NOT EXISTS faces (
        user_id String, capture_id String, face_id String, event_id String, person_id String, t Float64,
        x Int32, y Int32, w Int32, h Int32, similarity Float32, model LowCardinality(String),
        found_at DateTime64(3, 'UTC'), version UInt64
    ) ENGINE = ReplacingMergeTree(version) ORDER BY (user_id, capture_id, face_id)""",
    """CREATE TABLE IF NOT EXISTS people (
        user_id String, person_id String, event_id String, name String, relationship Nullable(String),
        named_at DateTime64(3, 'UTC'), version UInt64
    ) ENGINE = ReplacingMergeTree(version) ORDER BY (user_id, person_id)""",
    """CREATE TABLE IF NOT EXISTS user_settings (
        user_id String, event_id String, face_recognition UInt8, changed_at DateTime64(3, 'UTC'), version UInt64
    ) ENGINE = ReplacingMergeTree(version) ORDER BY user_id""",
    """CREATE TABLE IF NOT EXISTS enrolments (
        user_id String, enrolment_id String, event_id String, status LowCardinality(String),
        person_id Nullable(String), reason Nullable(String), at DateTime64(3, 'UTC'), version UInt64
    ) ENGINE = ReplacingMergeTree(version) ORDER BY (user_id, enrolment_id)""",
    """CREATE TABLE IF NOT EXISTS user_places (
        user_id String, name String, event_id String, lat Float64, lon Float64, radius_m Float64,
        named_at DateTime64(3, 'UTC'), version UInt64
    ) ENGINE = ReplacingMergeTree(version) ORDER BY (user_id, name)""",
    """CREATE TABLE IF NOT EXISTS frames (
        user_id String, capture_id String, t Float64, caption String, sharpness Float32, motion Float32,
        model LowCardinality(String), event_id String, described_at DateTime64(3, 'UTC'), version UInt64
    ) ENGINE = ReplacingMergeTree(version) ORDER BY (user_id, capture_id, t)""",
    "ALTER TABLE clips ADD COLUMN IF NOT EXISTS signature Array(Float32) DEFAULT []",
    "ALTER TABLE memories ADD COLUMN IF NOT EXISTS cache_key String DEFAULT ''",
    "ALTER TABLE memories ADD COLUMN IF NOT EXISTS query String DEFAULT ''",
    "ALTER TABLE memories ADD COLUMN IF NOT EXISTS playlist_key Nullable(String)",
    "ALTER TABLE memories ADD COLUMN IF NOT EXISTS poster_key Nullable(String)",
    """CREATE TABLE IF NOT EXISTS frame_tags (
        user_id String, capture_id String, t Float64, label String, kind LowCardinality(String), score Float32,
        tagger LowCardinality(String), event_id String, described_at DateTime64(3, 'UTC'), version UInt64
    ) ENGINE = ReplacingMergeTree(version) ORDER BY (user_id, capture_id, t, label)""",
    """CREATE TABLE IF NOT EXISTS shots (
        user_id String, capture_id String, shot UInt16, event_id String, start_s Float64, end_s Float64,
        sampled_at DateTime64(3, 'UTC'), version UInt64
    ) ENGINE = ReplacingMergeTree(version) ORDER BY (user_id, capture_id, shot)""",
    """CREATE TABLE IF NOT EXISTS transcripts (
        user_id String, capture_id String, event_id String, model LowCardinality(String), text String,
        words Array(String), starts Array(Float64), ends Array(Float64), heard_at DateTime64(3, 'UTC'),
        version UInt64
    ) ENGINE = ReplacingMergeTree(version) ORDER BY (user_id, capture_id)""",
    """CREATE TABLE IF NOT EXISTS assets (
        user_id String, capture_id String, kind LowCardinality(String), event_id String, object_key String,
        keyframes Array(Float64), times Array(Float64), made_at DateTime64(3, 'UTC'), version UInt64
    ) ENGINE = ReplacingMergeTree(version) ORDER BY (user_id, capture_id, kind)""",
    """CREATE TABLE IF NOT EXISTS devices (
        user_id String, device_id String, event_id String, name String, revoked UInt8,
        changed_at DateTime64(3, 'UTC'), version UInt64
    ) ENGINE = ReplacingMergeTree(version) ORDER BY (user_id, device_id)""",
    """CREATE TABLE IF NOT EXISTS tombstones (
        user_id String, subject String, event_id String, erased_at DateTime64(3, 'UTC'), version UInt64
    ) ENGINE = ReplacingMergeTree(version) ORDER BY (user_id, subject)""",
    """CREATE TABLE IF NOT EXISTS rejections (
        user_id String, capture_id String, event_id String, object_key String, stage LowCardinality(String),
        reason String, rejected_at DateTime64(3, 'UTC'), version UInt64
    ) ENGINE = ReplacingMergeTree(version) ORDER BY (user_id, capture_id)""",
    # one row per request answered from the cache (MemoryServedFromCache), keyed by its event
    """CREATE TABLE IF NOT EXISTS memory_cache_hits (
        user_id String, event_id String, memory_id String, text String, cache_key String,
        served_at DateTime64(3, 'UTC'), version UInt64
    ) ENGINE = ReplacingMergeTree(version) ORDER BY (user_id, event_id)""",
)

TABLES = (
    "transcripts",
    "shots",
    "captures",
    "clips",
    "assets",
    "places",
    "faces",
    "people",
    "memories",
    "memory_cache_hits",
    "rejections",
    "recordings",
    "user_settings",
    "enrolments",
    "user_places",
    "frame_tags",
    "frames",
    "devices",
    "tombstones",
)
# Columns that say when or by which delivery a row was written, not what it says: left out of comparisons.
VOLATILE = {
    "captures": ("event_id", "version"),
    "clips": ("event_id", "version", "probed_at"),
    "memories": ("event_id", "version", "occurred_at", "render_seconds"),
    "rejections": ("event_id", "version", "rejected_at"),
    "assets": ("event_id", "version", "made_at"),
    "recordings": ("event_id", "version"),
    "places": ("event_id", "version", "resolved_at"),
    "faces": ("event_id", "version", "found_at"),
    "people": ("event_id", "version", "named_at"),
    "user_settings": ("event_id", "version", "changed_at"),
    "enrolments": ("event_id", "version", "at"),
    "user_places": ("event_id", "version", "named_at"),
    "frame_tags": ("event_id", "version", "described_at"),
    "frames": ("event_id", "version", "described_at"),
    "shots": ("event_id", "version", "sampled_at"),
    "transcripts": ("event_id", "version", "heard_at"),
    "devices": ("event_id", "version", "changed_at"),
    "tombstones": ("event_id", "version", "erased_at"),
    "memory_cache_hits": ("version",),
}
