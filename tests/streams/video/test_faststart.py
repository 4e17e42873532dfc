import io
import struct
from pathlib import Path

import av
import pytest

from core.settings import Settings
from infra.demo import verify_mp4
from streams.storage.blobs import BlobStore
from streams.video import boxes, faststart, montage
from tests.media_helpers import small_clip

MIN_PART = 5 << 20  # the smallest part S3 takes but for the last


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    return small_clip(tmp_path_factory.mktemp("fs") / "c.mp4", seconds=4, width=640, height=360, image="coffee")


def _mux(source: Path, target: Path, options: dict[str, str]) -> bytes:
    with av.open(str(source)) as clip, av.open(str(target), "w", format="mp4", options=options) as out:
        streams = {s.index: out.add_stream_from_template(s) for s in (clip.streams.video[0], clip.streams.audio[0])}
        for packet in clip.demux(clip.streams.video[0], clip.streams.audio[0]):
            if packet.dts is not None:
                packet.stream = streams[packet.stream.index]
                out.mux(packet)
    return target.read_bytes()


def _moved(data: bytes) -> bytes:
    """The file as the upload stores it: the moov moved right after ftyp."""
    found = boxes.top_level(io.BytesIO(data))
    ftyp_end, (_, moov_at, _, moov_size) = found[0][3], found[-1]
    return data[:ftyp_end] + faststart.moov_ahead(data[moov_at : moov_at + moov_size]) + data[ftyp_end:moov_at]


def test_moving_the_moov_gives_ffmpegs_faststart_byte_for_byte(clip, tmp_path: Path):
    plain = _mux(clip, tmp_path / "plain.mp4", {})
    reference = _mux(clip, tmp_path / "fast.mp4", {"movflags": "+faststart"})
    assert plain != reference and plain.index(b"moov") > plain.index(b"mdat")
    assert _moved(plain) == reference


def _box(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(body), kind) + body


def _moov(offsets: list[int]) -> bytes:
    stco = _box(b"stco", b"\0\0\0\0" + struct.pack(f">I{len(offsets)}I", len(offsets), *offsets))
    stbl = _box(b"stbl", _box(b"stsz", b"\0" * 12) + stco)
    return _box(b"moov", _box(b"mvhd", b"\0" * 100) + _box(b"trak", _box(b"mdia", _box(b"minf", stbl))))


def _offsets(moov: bytes) -> tuple[bytes, list[int]]:
    [(kind, _, entries)] = list(faststart._tables(moov, 0, len(moov)))
    return kind, entries


def test_offsets_move_by_the_moovs_own_size_and_widen_when_they_no_longer_fit():
    small = _moov([48, 5000])
    moved = faststart.moov_ahead(small)
    assert len(moved) == len(small) and _offsets(moved) == (b"stco", [48 + len(small), 5000 + len(small)])
    near_limit = _moov([48, (1 << 32) - 100])
    wide = faststart.moov_ahead(near_limit)
    # two 4-byte entries become 8 bytes each, so the moov (and every offset's move) grows by 8
    assert len(wide) == len(near_limit) + 8
    assert _offsets(wide) == (b"co64", [48 + len(wide), (1 << 32) - 100 + len(wide)])


def test_a_file_without_its_moov_last_is_refused(clip, tmp_path: Path):
    fast = tmp_path / "fast.mp4"
    _mux(clip, fast, {"movflags": "+faststart"})
    upload = faststart.Upload(BlobStore.__new__(BlobStore), "k", fast)
    with pytest.raises(faststart.FaststartError, match="not ftyp … moov"):
        upload.finish(fast)


def _incomplete(blobs: BlobStore, key: str) -> list[str]:
    return [name for name, _ in blobs.incomplete_uploads(key)]


def test_the_upload_follows_the_muxer_and_stores_a_faststart_mp4(clip, settings: Settings, tmp_path: Path):
    blobs = BlobStore(settings)
    blobs.ensure_bucket()
    cuts = [montage.Cut(clip, 0.0, 4.0)] * 40  # enough copied video for several parts
    out = tmp_path / "long.mp4"
    upload = faststart.Upload(blobs, "memories/u/long.mp4", montage.partial(out), part=MIN_PART)
    sent_while_writing: list[int] = []

    def progress(seconds: float) -> None:
        upload.grow()
        for sending in upload.pending:  # as if rendering took longer than sending (it does, with crossfades)
            sending.result()
        sent_while_writing.append(upload.sent_to)

    montage.join(cuts, out, progress=progress, faststart=False)
    size = upload.finish(out)
    stored = tmp_path / "stored.mp4"
    blobs.client.fget_object(blobs.bucket, "memories/u/long.mp4", str(stored))
    data = stored.read_bytes()
    assert size == len(data) == out.stat().st_size
    assert max(sent_while_writing) > MIN_PART  # media parts went out before the muxer finished
    assert upload.multipart is not None and len(upload.multipart.parts) >= 3
    assert data == _moved(out.read_bytes())
    assert data.index(b"moov") < data.index(b"mdat")
    assert verify_mp4(stored) == 40 * 4 * 30
    assert blobs.tier("memories/u/long.mp4") == "hot"
    assert _incomplete(blobs, "memories/u/") == []


def test_a_failed_render_leaves_no_object_and_no_parts(clip, settings: Settings, tmp_path: Path):
    blobs = BlobStore(settings)
    blobs.ensure_bucket()
    other = small_clip(tmp_path / "other.mp4", seconds=2, width=320, height=180)
    out = tmp_path / "failed.mp4"
    upload = faststart.Upload(blobs, "memories/u/failed.mp4", montage.partial(out), part=MIN_PART)
    cuts = [montage.Cut(clip, 0.0, 4.0)] * 30 + [montage.Cut(other, 0.0, 2.0)]
    with pytest.raises(montage.MontageError):
        # the odd clip at the end is refused after the others were written and partly sent
        montage.join(cuts, out, progress=lambda _: upload.grow(), faststart=False)
    for sending in upload.pending:
        sending.result()
    assert upload.sent_to > MIN_PART and upload.multipart is not None
    upload.abort()
    assert not blobs.exists("memories/u/failed.mp4")
    assert _incomplete(blobs, "memories/u/") == []


def test_an_upload_begun_again_drops_the_parts_a_killed_one_left(settings: Settings):
    blobs = BlobStore(settings)
    blobs.ensure_bucket()
    key, other = "memories/u/again.mp4", "memories/u/again-other.mp4"
    killed = blobs.begin_multipart(key, "video/mp4")
    killed.send(1, b"x" * MIN_PART)  # and then its worker died: neither completed nor aborted
    elsewhere = blobs.begin_multipart(other, "video/mp4")
    assert sorted(_incomplete(blobs, "memories/u/again")) == [other, key]
    again = blobs.begin_multipart(key, "video/mp4")
    again.send(1, b"y" * 10)
    again.complete()
    assert _incomplete(blobs, "memories/u/again") == [other]  # another key's upload is left alone
    stored = blobs.client.get_object(blobs.bucket, key)
    try:
        assert stored.read() == b"y" * 10
    finally:
        stored.close()
        stored.release_conn()
    elsewhere.abort()
