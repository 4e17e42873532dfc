from pathlib import Path

from core.settings import Settings, load_settings


def test_defaults_are_embedded():
    s = Settings()
    assert s.clickhouse.startswith("chdb://") and s.qdrant.startswith("edge://")
    assert s.topic("captures") == "reverie.captures"


def test_environment_overrides_with_types(tmp_path: Path):
    s = load_settings(
        {
            "REVERIE_KAFKA_BOOTSTRAP": "kafka:9092",
            "REVERIE_HTTP_PORT": "9000",
            "REVERIE_S3_SECURE": "true",
            "REVERIE_DATA_DIR": str(tmp_path),
            "REVERIE_CLICKHOUSE_DSN": "http://ch:8123",
            "REVERIE_PLACE_RADIUS_KM": "12.5",
        }
    )
    assert (s.kafka_bootstrap, s.http_port, s.s3_secure, s.data_dir) == ("kafka:9092", 9000, True, tmp_path)
    assert s.clickhouse == "http://ch:8123" and s.place_radius_km == 12.5


def test_to_env_round_trips():
    s = Settings().with_(http_port=8123, topic_prefix="t1")
    assert load_settings(s.to_env()) == s
