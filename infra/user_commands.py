"""What a person runs at a terminal, like Immich's CLI: sign in once, upload a folder (resumable, with progress),
ask for a memory in words and download it, search the album. The other `reverie` commands are the operators'.

Signing in keeps the server's address and the token in ``~/.config/reverie/cli.json`` (``REVERIE_CLI_CONFIG``),
readable by its owner only. An upload cut short (the network, Ctrl-C) is remembered beside it, by file path, size and
modification time, and the next `reverie upload` of that folder resumes each file from where the server has it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jwt
from tqdm import tqdm

from core.settings import load_settings
from gateway.client import Client, GatewayError

MEDIA = {".mp4", ".mov", ".m4v", ".jpg", ".jpeg"}


class NotSignedIn(RuntimeError):
    pass


def config_path() -> Path:
    return Path(os.environ.get("REVERIE_CLI_CONFIG") or Path.home() / ".config" / "reverie" / "cli.json")


def _write_private(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(data, f, indent=2)


def login(server: str, token: str) -> str:
    """Check the token against the server, then keep both. Returns the user the token names."""
    server = server.rstrip("/")
    with Client(server, token) as api:
        checked = api.http.get("/v1/memories", params={"limit": 1})
    if checked.status_code != 200:
        raise NotSignedIn(f"{server} refused the token ({checked.status_code}): {checked.text[:200]}")
    _write_private(config_path(), {"server": server, "token": token})
    # the server accepted it: what it names is for showing only, not for trusting
    return str(jwt.decode(token, options={"verify_signature": False}).get("sub", ""))


def client() -> Client:
    try:
        saved = json.loads(config_path().read_text())
        return Client(saved["server"], saved["token"])
    except (FileNotFoundError, KeyError, json.JSONDecodeError):
        raise NotSignedIn("not signed in: run `reverie login --server <url> --token <token>` first") from None


def media_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in MEDIA)


def _pending_path() -> Path:
    return config_path().with_name("uploads.json")


def _pending() -> dict[str, str]:
    try:
        return dict(json.loads(_pending_path().read_text()))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def _key(path: Path) -> str:
    stat = path.stat()
    return f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"


def upload(folder: Path, chunk_size: int = 8 * 1024 * 1024) -> dict[str, Any]:
    """Every photo and video under ``folder``; a file half sent earlier resumes. Returns what happened."""
    api = client()
    files = media_files(folder)
    if not files:
        api.close()
        raise FileNotFoundError(f"no photos or videos under {folder} ({', '.join(sorted(MEDIA))})")
    pending, done, failed = _pending(), [], []
    with api, tqdm(total=sum(p.stat().st_size for p in files), unit="B", unit_scale=True) as bar:
        for path in files:
            bar.set_description(path.name[:30])
            size, start = path.stat().st_size, bar.n
            try:
                url, sent = _started(api, path, pending)
                bar.update(sent)
                capture = api.resume(url, path, chunk_size, on_progress=bar.update)
                done.append({"file": str(path), **capture})
            except GatewayError as error:  # refused for good (not a video, over quota): say so, go on
                failed.append({"file": str(path), "status": error.status, "error": error.body})
                bar.update(size - (bar.n - start))
            pending.pop(_key(path), None)
            _write_private(_pending_path(), pending)
    return {"uploaded": done, "failed": failed}


def _started(api: Client, path: Path, pending: dict[str, str]) -> tuple[str, int]:
    """The upload URL of ``path`` and how many bytes the server has: one from an earlier run if it still lives,
    else a new one (remembered before the first byte is sent)."""
    key = _key(path)
    if key in pending:
        try:
            return pending[key], api.upload_offset(pending[key])
        except GatewayError:
            pass  # expired or finished meanwhile: start again (the server knows bytes it already stored)
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    pending[key] = api.create_upload(path.stat().st_size, filename=path.name, sha256=digest.hexdigest())
    _write_private(_pending_path(), pending)
    return pending[key], 0


def ask(text: str, out: Path | None, target_seconds: float | None = None, timeout: float = 600.0) -> dict[str, Any]:
    """Ask for a memory and wait for it; a rendered one is downloaded to ``out`` (or ./<memory id>.mp4)."""
    with client() as api:
        asked = api.request_memory(text, target_seconds)
        view = asked if asked.get("status") == "rendered" else api.wait_memory(asked["memory_id"], timeout)
        if view["status"] == "rendered":
            out = out or Path(f"{view['memory_id']}.mp4")
            with httpx.stream("GET", view["video_url"], timeout=120.0) as video:
                video.raise_for_status()
                with open(out, "wb") as fh:
                    for block in video.iter_bytes():
                        fh.write(block)
            view["file"] = str(out)
        return view


def search(text: str, limit: int = 20) -> Iterator[str]:
    """One line per moment found, best first."""
    with client() as api:
        found = api.search(text, limit=limit)
    explained = (found.get("query") or {}).get("explanation")
    if explained:
        yield f"understood: {explained}"
    for moment in found["results"]:
        place = moment.get("place") or "somewhere"
        yield f"{moment['captured_at'][:10]}  {place:<28} at {moment['t']:5.1f} s  {moment['capture_id']}"
    if not found["results"]:
        yield "nothing found"


def register(sub: Any) -> None:
    """Add login, upload, ask and search to the `reverie` command's sub-commands."""
    login = sub.add_parser("login", help="sign in to a Reverie server once (kept in ~/.config/reverie/cli.json)")
    login.add_argument("--server", default="http://127.0.0.1:8080")
    login.add_argument("--token", default="", help="a token from the server's operator (reverie token <user>)")
    login.add_argument("--user", default="", help="on the server's own machine: sign a token for this user here")
    login.set_defaults(fn=_login)
    upload = sub.add_parser("upload", help="upload every photo and video in a folder (resumes what was cut short)")
    upload.add_argument("folder")
    upload.set_defaults(fn=_upload)
    ask = sub.add_parser("ask", help="ask for a memory in words and download it")
    ask.add_argument("text")
    ask.add_argument("--out", default="", help="where to write the MP4 (default: ./<memory id>.mp4)")
    ask.add_argument("--seconds", type=float, default=None, help="how long (default: what the words say, or 2 min)")
    ask.set_defaults(fn=_ask)
    search = sub.add_parser("search", help="search your album in words")
    search.add_argument("text")
    search.add_argument("--limit", type=int, default=20)
    search.set_defaults(fn=_search)


def _login(args: argparse.Namespace) -> None:
    token = args.token
    if args.user:  # a token signed here with this machine's keys: the local server's own users
        from gateway import auth  # noqa: PLC0415

        token = auth.issue(load_settings(), args.user)
    if not token:
        raise SystemExit("reverie login: give --token <token> (or --user <name> for this machine's own server)")
    try:
        user = login(args.server, token)
    except (NotSignedIn, OSError) as exc:
        raise SystemExit(f"reverie login: {exc}") from None
    print(f"signed in to {args.server} as {user or 'a user'}; kept in {config_path()}")


def _upload(args: argparse.Namespace) -> None:
    try:
        outcome = upload(Path(args.folder))
    except (NotSignedIn, FileNotFoundError) as exc:
        raise SystemExit(f"reverie upload: {exc}") from None
    for failure in outcome["failed"]:
        print(f"refused: {failure['file']} ({failure['status']}): {failure['error']}")
    print(f"{len(outcome['uploaded'])} uploaded, {len(outcome['failed'])} refused")
    if outcome["failed"]:
        raise SystemExit(1)


def _ask(args: argparse.Namespace) -> None:
    try:
        view = ask(args.text, Path(args.out) if args.out else None, args.seconds)
    except NotSignedIn as exc:
        raise SystemExit(f"reverie ask: {exc}") from None
    if view["status"] != "rendered":
        raise SystemExit(f"reverie ask: no memory: {view.get('reason') or view['status']}")
    print(f"{view['file']}: {view.get('duration_s') or 0:.1f} s, memory {view['memory_id']}")


def _search(args: argparse.Namespace) -> None:
    try:
        for line in search(args.text, args.limit):
            print(line)
    except NotSignedIn as exc:
        raise SystemExit(f"reverie search: {exc}") from None
