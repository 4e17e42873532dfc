"""The web app in headless Chromium (Debian's), driven by Playwright: sign in → upload (tus-js-client, with a
progress bar) → search → create a memory → it plays progressively (hls.js, from the playlist) → the past memories
list names it. The last screenshot is kept in test-artifacts/ as the proof."""

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import sync_playwright

from core.settings import REPO_ROOT, Settings
from gateway import auth
from infra import server
from tests.conftest import Served, wait_for
from tests.media_helpers import small_clip

pytestmark = pytest.mark.integration
ARTIFACTS = REPO_ROOT / "test-artifacts"
# as the machine notes advise: no background connections, which a closed network refuses at every start
FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--autoplay-policy=no-user-gesture-required",
]  # fmt: skip


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    assert found, "Debian's chromium is needed for the browser test: apt-get install chromium (infra/install.sh)"
    return found


@pytest.fixture
def with_thumbnails(settings: Settings) -> Iterator[Served]:
    s = Served(settings.with_(prepare_media=True))  # posters for the album's thumbnails
    s.start()
    yield s
    s.close()


def test_upload_search_and_play_a_memory_in_the_browser(with_thumbnails: Served, tmp_path: Path):
    served = with_thumbnails
    clips = [
        small_clip(tmp_path / f"paris-{i}.mp4", seconds=4, lat=48.8584, lon=2.2945, when=f"2025-06-1{i}T09:00:00Z")
        for i in (2, 3)
    ]
    token = auth.issue(served.settings, "walter")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(server.base_url(served.settings) + "/")
        page.fill("#token", token)
        page.click("#signin button")
        page.wait_for_selector("#app:not([hidden])")

        page.set_input_files("#files", [str(c) for c in clips])
        page.click("#upload button")
        page.wait_for_function("document.querySelector('#upload-status').textContent === '2 uploaded'")
        assert page.eval_on_selector("#upload-progress", "bar => bar.value") == 1
        # resumable uploads, not one-shot posts (an access line is written once its answer has gone out: wait a little)
        wait_for(lambda: served.log().count('"PATCH /v1/uploads/'), lambda patches: patches >= 2, timeout=10)
        assert '"POST /v1/captures' not in served.log()
        client = served.client("walter")
        wait_for(  # both probed, placed and prepared (their posters are the album's thumbnails)
            lambda: client.http.get("/v1/captures").json()["captures"],
            lambda found: len(found) == 2 and all(c["place"] and c["poster_url"] for c in found),
            timeout=120,
        )
        page.reload()
        page.wait_for_function("document.querySelectorAll('#album li').length === 2")
        page.wait_for_function("[...document.querySelectorAll('#album img')].every(i => i.naturalWidth > 0)")

        page.fill("#query", "Paris")
        page.click("#search button")
        page.wait_for_function("document.querySelectorAll('#results li').length >= 1")
        assert "nothing found" not in page.inner_text("#results")
        # a result is a thumbnail that plays the clip from the matched moment
        page.wait_for_function("[...document.querySelectorAll('#results img')].every(i => i.naturalWidth > 0)")
        page.click("#results li:first-child img")
        page.wait_for_function("document.querySelector('#results video.moment').currentTime >= 1.9", timeout=30_000)

        page.fill("#memory-text", "our days in Paris")
        page.click("#memory button")
        page.wait_for_selector("#player:not([hidden])", timeout=120_000)
        page.wait_for_function("document.querySelector('#player').currentTime > 0.5", timeout=30_000)
        assert page.eval_on_selector("#player", "v => v.dataset.source") == "hls"  # hls.js, from the playlist
        page.wait_for_selector("#download:not([hidden])", timeout=60_000)
        assert "memory ready" in page.inner_text("#memory-status")
        assert page.eval_on_selector("#player", "v => v.videoWidth") > 0
        page.wait_for_function("document.querySelectorAll('#memories li').length === 1")
        assert "our days in Paris" in page.inner_text("#memories")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "webapp.png"), full_page=True)
        browser.close()
    assert (ARTIFACTS / "webapp.png").stat().st_size > 10_000


def test_people_merge_and_split_and_album_filters_in_the_browser(settings: Settings, tmp_path: Path):
    served = Served(settings)
    served.start()
    try:
        client = served.client("wren")
        client.set_face_recognition(True)
        # the faces agent reads the setting from the read model: uploads wait until it shows there
        wait_for(lambda: client.http.get("/v1/settings").json()["face_recognition"], lambda enabled: enabled is True)
        trips = {"paris": (48.8584, 2.2945, "2025-06-12T09:00:00Z"), "rome": (41.8902, 12.4922, "2025-07-01T09:00:00Z")}
        for name, (lat, lon, when) in trips.items():
            client.upload(small_clip(tmp_path / f"{name}.mp4", seconds=3, lat=lat, lon=lon, when=when))
        wait_for(  # the same face in both clips: one person, two faces, both clips placed
            lambda: (client.http.get("/v1/people").json()["people"], client.http.get("/v1/captures").json()),
            lambda found: (
                len(found[0]) == 1
                and found[0][0]["faces"] >= 2
                and all(c["place"] for c in found[1]["captures"])
                and len(found[1]["captures"]) == 2
            ),
            timeout=180,
        )
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium(), args=FLAGS)
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.goto(server.base_url(served.settings) + "/")
            page.fill("#token", auth.issue(served.settings, "wren"))
            page.click("#signin button")
            page.wait_for_function("document.querySelectorAll('#people li').length === 1")

            page.click("#people li .faces")  # split one face off into a new person
            page.wait_for_selector("#people li .split input[type=checkbox]")
            page.check("#people li .split input[type=checkbox] >> nth=0")
            page.click("#people li .split button")
            page.wait_for_function("document.querySelectorAll('#people li').length === 2", timeout=30_000)

            page.select_option("#people li:first-child .into", index=1)  # and merge the two back
            page.click("#people li:first-child .merge")
            page.wait_for_function("document.querySelectorAll('#people li').length === 1", timeout=30_000)

            assert "Rome" in filtered(page, 1, place="Rome")
            assert "Paris" in filtered(page, 1, place="", **{"from": "2025-06-01", "to": "2025-06-30"})
            page.select_option("#filter-person", index=1)  # the one person: both clips
            filtered(page, 2, **{"from": "", "to": ""})
            page.fill("#filter-place", "Lima")
            page.click("#filters button")
            page.wait_for_function("document.querySelector('#album-status').textContent === 'nothing here'")
            browser.close()
    finally:
        served.close()


def filtered(page: Any, shown: int, **fields: str) -> str:
    """Fill the album filters (place, from, to), apply them, wait for ``shown`` captures; the album's text."""
    for name, value in fields.items():
        page.fill(f"#filter-{name}", value)
    page.click("#filters button")
    page.wait_for_function(f"document.querySelectorAll('#album li').length === {shown}")
    return str(page.inner_text("#album"))


def test_the_api_page_renders_the_description(served: Served):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=FLAGS)
        page = browser.new_page()
        page.goto(server.base_url(served.settings) + "/docs")
        page.wait_for_selector("text=Reverie gateway", timeout=30_000)  # Redoc drew the title from /openapi.json
        page.wait_for_selector("text=Your memories, newest first", timeout=30_000)  # an operation's summary
        browser.close()
