"""A person's command line against the real server: sign in once, upload a folder (resuming a cut upload), ask
for a memory and download it, search."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import av
import pytest

from gateway import auth
from gateway.client import TUS
from infra import cli, server, user_commands
from tests.conftest import Served, wait_for
from tests.media_helpers import small_clip

pytestmark = pytest.mark.integration


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "home" / "cli.json"
    monkeypatch.setenv("REVERIE_CLI_CONFIG", str(path))
    return path


def test_sign_in_upload_ask_and_search(served: Served, config: Path, tmp_path: Path, capsys):
    url = server.base_url(served.settings)
    with pytest.raises(SystemExit, match="refused the token"):
        cli.main(["login", "--server", url, "--token", "forged.token.here"])
    assert not config.exists()
    cli.main(["login", "--server", url, "--token", auth.issue(served.settings, "zoe")])
    assert "as zoe" in capsys.readouterr().out
    assert stat.S_IMODE(config.stat().st_mode) == 0o600

    album = tmp_path / "album"
    album.mkdir()
    for i in range(2):
        small_clip(album / f"paris-{i}.mp4", seconds=3 + i, lat=48.85 + i / 1000, lon=2.35)  # distinct bytes
    (album / "notes.txt").write_text("not media: skipped")
    # a file whose upload was cut short in an earlier run: half its bytes are on the server
    cut = album / "paris-0.mp4"
    with user_commands.client() as api:
        pending: dict[str, str] = {}
        upload_url, _ = user_commands._started(api, cut, pending)
        half = cut.read_bytes()[: cut.stat().st_size // 2]
        patched = api.http.patch(upload_url, content=half, headers={**TUS, "Upload-Offset": "0",
                                 "Content-Type": "application/offset+octet-stream"})  # fmt: skip
        assert patched.status_code == 204
    (junk := album / "broken.mp4").write_bytes(b"\x00" * 4096)
    with pytest.raises(SystemExit) as refused:
        cli.main(["upload", str(album)])
    assert refused.value.code == 1
    out = capsys.readouterr().out
    assert "2 uploaded, 1 refused" in out and f"refused: {junk}" in out
    with user_commands.client() as api:
        assert api.http.head(upload_url, headers=TUS).status_code == 404  # that very upload was finished
        listed = wait_for(lambda: api.http.get("/v1/captures").json()["captures"], lambda found: len(found) >= 2)
        assert len(listed) == 2
        for capture in listed:
            api.wait_probed(capture["capture_id"])
    assert json.loads(config.with_name("uploads.json").read_text()) == {}

    video = tmp_path / "paris.mp4"
    cli.main(["ask", "a 4 second video of Paris", "--out", str(video)])
    assert f"{video}:" in capsys.readouterr().out
    with av.open(str(video)) as container:
        assert container.duration and container.duration > 0
    with pytest.raises(SystemExit, match="no memory: no clips"):
        cli.main(["ask", "a video of Tokyo"])

    cli.main(["search", "Paris"])
    lines = capsys.readouterr().out.splitlines()
    assert sum(capture["capture_id"] in "\n".join(lines) for capture in listed) == 2


def test_commands_before_signing_in_say_how(config: Path, tmp_path: Path):
    for command in (["upload", str(tmp_path)], ["ask", "Paris"], ["search", "Paris"]):
        with pytest.raises(SystemExit, match="not signed in: run `reverie login"):
            cli.main(command)
