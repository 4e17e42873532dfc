"""Voice commands against the real gateway: espeak-ng says them, Whisper (tiny.en) hears them."""

import subprocess
from pathlib import Path

import av
import numpy as np
import pytest

from tests.conftest import Served, wait_for

pytestmark = pytest.mark.integration
COMMANDS = {
    "Take a picture.": "take_picture",
    "Record a video.": "record_video",
    "Stop recording.": "stop_recording",
    "Create a memory video of Paris.": "create_memory",
    "Search for the beach.": "search",
    "This is my wife Anna.": "name_person",
}


def spoken(words: str, path: Path) -> Path:
    subprocess.run(["espeak-ng", "-v", "en", "-s", "150", "-w", str(path), words], check=True)
    return path


def as_opus(wav: Path) -> Path:
    """The same speech as Ogg Opus at 48 kHz, as glasses would send it."""
    out = wav.with_suffix(".opus")
    with av.open(str(wav)) as src, av.open(str(out), "w", format="ogg") as dst:
        stream = dst.add_stream("libopus", rate=48000, layout="mono")
        resampler = av.AudioResampler(format="s16", layout="mono", rate=48000)
        for frame in src.decode(audio=0):
            for chunk in resampler.resample(frame):
                for packet in stream.encode(chunk):
                    dst.mux(packet)
        for packet in stream.encode(None):
            dst.mux(packet)
    return out


def say(served: Served, path: Path, kind: str = "audio/wav", device: str = "glasses-1") -> dict:
    response = served.client("alice").http.post(
        "/v1/voice", params={"device_id": device}, content=path.read_bytes(), headers={"content-type": kind}
    )
    assert response.status_code in (200, 202), response.text
    return response.json()


def test_spoken_commands_come_out_as_the_right_intents(served: Served, tmp_path: Path):
    for i, (words, intent) in enumerate(COMMANDS.items()):
        answer = say(served, spoken(words, tmp_path / f"{i}.wav"))
        assert answer["intent"] == intent, answer
        assert answer["answer"]
    answer = say(served, as_opus(spoken("Take a picture.", tmp_path / "opus.wav")), "audio/ogg")
    assert answer["intent"] == "take_picture" and answer["result"]["state"] == "started"
    naming = say(served, spoken("This is my wife Anna.", tmp_path / "anna.wav"))
    assert naming["relationship"] == "wife" and naming["name"]
    assert "not seen anyone" in naming["answer"]  # nobody has been captured yet: nothing is named by guess


def test_what_a_command_did_is_in_the_answer(served: Served):
    alice = served.client("alice")

    def command(transcript: str, **params: str) -> tuple[int, dict]:
        response = alice.http.post("/v1/voice", params=params, json={"transcript": transcript})
        return response.status_code, response.json()

    status, started = command("record a video", device_id="glasses-1")
    assert status == 202 and started["result"]["state"] == "started"
    wait_for(
        lambda: alice.http.get("/v1/devices/glasses-1/recordings").json()["recordings"],
        lambda r: [x["state"] for x in r] == ["recording"],
    )
    status, stopped = command("stop recording", device_id="glasses-1")
    assert status == 202 and stopped["result"]["recording_id"] == started["result"]["recording_id"]
    status, asked = command("stop")
    assert status == 200 and asked["intent"] == "clarify" and "stop recording" in asked["answer"]
    status, unknown = command("make a memory of Tom in Rome")
    assert status == 200 and unknown["intent"] == "create_memory" and "Tom" in unknown["answer"]
    status, searched = command("find the beach")
    assert status == 200 and searched["answer"] == "I found nothing like that."
    status, refused = command("take a picture")  # no device: which glasses?
    assert status == 422 and "device" in refused["error"]


def test_unusable_audio_is_refused_with_the_reason(served: Served):
    alice = served.client("alice")
    noise = np.random.default_rng(1).bytes(4000)
    bad = alice.http.post("/v1/voice", content=noise, headers={"content-type": "audio/wav"})
    assert bad.status_code == 422 and "could not read the audio" in bad.json()["error"]
    empty = alice.http.post("/v1/voice", content=b"", headers={"content-type": "audio/wav"})
    assert empty.status_code == 422
    assert alice.http.post("/v1/voice", content=b"hi", headers={"content-type": "text/plain"}).status_code == 422
    big = b"\0" * (served.settings.max_voice_bytes + 1)
    assert alice.http.post("/v1/voice", content=big, headers={"content-type": "audio/wav"}).status_code == 413
