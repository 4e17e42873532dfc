"""MP4 box headers read from bytes built by hand: 32-bit sizes, 64-bit largesizes, size 0 (to the end), nesting."""

import io
import struct

import pytest

from streams.video.boxes import BoxError, child, children, header, top_level


def box(kind: bytes, payload: bytes = b"") -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def large_box(kind: bytes, payload: bytes = b"") -> bytes:
    return struct.pack(">I4sQ", 1, kind, 16 + len(payload)) + payload


def to_end_box(kind: bytes, payload: bytes = b"") -> bytes:
    return struct.pack(">I4s", 0, kind) + payload


def test_header_of_a_plain_box_is_type_offset_header_size_and_size():
    data = b"junk" + box(b"ftyp", b"isom\0\0\0\0")
    assert header(data, 4, len(data)) == (b"ftyp", 4, 8, 16)


def test_header_reads_a_64_bit_largesize_beyond_32_bits():
    big = 2**32 + 40  # only a largesize can say this
    data = struct.pack(">I4sQ", 1, b"mdat", big)
    assert header(data, 0, big) == (b"mdat", 0, 16, big)


def test_header_size_zero_runs_to_the_end_of_the_parent():
    data = b"\0" * 8 + to_end_box(b"mdat", b"x" * 30)
    assert header(data, 8, 100) == (b"mdat", 8, 8, 92)


@pytest.mark.parametrize("size", [2, 7])
def test_header_refuses_a_size_smaller_than_its_own_header(size: int):
    data = struct.pack(">I4s", size, b"free") + b"\0" * 8
    with pytest.raises(BoxError, match="malformed b'free' box at byte 0"):
        header(data, 0, len(data))


def test_header_refuses_a_largesize_smaller_than_its_16_byte_header():
    data = struct.pack(">I4sQ", 1, b"mdat", 12)
    with pytest.raises(BoxError, match="malformed"):
        header(data, 0, 100)


def test_header_size_zero_with_no_room_left_is_malformed():
    data = to_end_box(b"mdat")
    with pytest.raises(BoxError):
        header(data, 0, 4)  # the parent ends inside the header itself


def test_children_walks_siblings_in_order_with_each_size_form():
    data = box(b"ftyp", b"isom") + large_box(b"free", b"abcd") + box(b"moov", b"m" * 10) + to_end_box(b"mdat", b"z" * 5)
    kinds = list(children(data, 0, len(data)))
    assert kinds == [
        (b"ftyp", 0, 8, 12),
        (b"free", 12, 16, 20),
        (b"moov", 32, 8, 18),
        (b"mdat", 50, 8, 13),
    ]


def test_children_stays_inside_the_range_it_is_given():
    inner = box(b"tkhd", b"t" * 4) + box(b"mdia", b"m" * 2)
    data = box(b"trak", inner) + box(b"udta")
    trak = header(data, 0, len(data))
    found = list(children(data, trak[1] + trak[2], trak[1] + trak[3]))
    assert [k for k, *_ in found] == [b"tkhd", b"mdia"]
    assert found[1] == (b"mdia", 20, 8, 10)


def test_children_ignores_fewer_than_eight_trailing_bytes():
    data = box(b"free") + b"\0\0\0"
    assert list(children(data, 0, len(data))) == [(b"free", 0, 8, 8)]


def test_children_of_empty_range_is_empty():
    assert list(children(box(b"free"), 8, 8)) == []


def test_children_refuses_a_box_running_past_its_parent():
    truncated = box(b"moov", b"m" * 20)[:-5]
    with pytest.raises(BoxError, match="runs past its parent"):
        list(children(truncated, 0, len(truncated)))


def test_children_refuses_garbage_with_a_huge_size():
    garbage = b"hello, world! not an mp4 at all"
    with pytest.raises(BoxError):
        list(children(garbage, 0, len(garbage)))


def test_children_yields_the_good_boxes_before_a_bad_one():
    data = box(b"ftyp", b"isom") + struct.pack(">I4s", 3, b"bad!") + b"\0" * 8
    walk = children(data, 0, len(data))
    assert next(walk) == (b"ftyp", 0, 8, 12)
    with pytest.raises(BoxError, match="bad!"):
        next(walk)


def test_children_refuses_a_largesize_header_cut_short():
    data = struct.pack(">I4s", 1, b"mdat") + b"\0\0\0\0"  # 12 bytes: room for the 8-byte header, not the largesize
    with pytest.raises(BoxError):
        list(children(data, 0, len(data)))


def nested() -> bytes:
    stsd = box(b"stsd", b"s" * 3)
    stbl = box(b"stbl", box(b"stts") + stsd)
    mdia = box(b"mdia", box(b"mdhd", b"h" * 4) + box(b"hdlr", b"vide") + stbl)
    return box(b"moov", box(b"mvhd", b"v" * 6) + box(b"trak", box(b"tkhd") + mdia) + box(b"trak"))


def test_child_finds_the_first_direct_child_of_a_type():
    data = nested()
    moov = header(data, 0, len(data))
    trak = child(data, moov, b"trak")
    assert trak is not None and trak[0] == b"trak" and trak[1] == 22
    mdia = child(data, trak, b"mdia")
    assert mdia is not None
    hdlr = child(data, mdia, b"hdlr")
    assert hdlr is not None
    assert data[hdlr[1] + hdlr[2] : hdlr[1] + hdlr[3]] == b"vide"
    stbl = child(data, mdia, b"stbl")
    assert stbl is not None
    stsd = child(data, stbl, b"stsd")
    assert stsd is not None and data[stsd[1] + stsd[2] : stsd[1] + stsd[3]] == b"sss"


def test_child_does_not_look_at_grandchildren():
    data = nested()
    moov = header(data, 0, len(data))
    assert child(data, moov, b"mdia") is None  # inside trak, not directly inside moov
    assert child(data, moov, b"hdlr") is None


def test_child_inside_a_largesize_parent():
    data = large_box(b"moof", box(b"mfhd", b"\0" * 8) + box(b"traf"))
    moof = header(data, 0, len(data))
    assert moof[2] == 16
    assert child(data, moof, b"traf") == (b"traf", 32, 8, 8)


def test_top_level_reads_headers_of_a_file():
    data = box(b"ftyp", b"isom\0\0\0\0") + large_box(b"mdat", b"x" * 100) + box(b"moov", b"m" * 7)
    assert top_level(io.BytesIO(data)) == [(b"ftyp", 0, 8, 16), (b"mdat", 16, 16, 116), (b"moov", 132, 8, 15)]


def test_top_level_size_zero_runs_to_the_end_of_the_file():
    data = box(b"ftyp", b"isom") + to_end_box(b"mdat", b"x" * 50)
    assert top_level(io.BytesIO(data)) == [(b"ftyp", 0, 8, 12), (b"mdat", 12, 8, 58)]


def test_top_level_of_an_empty_file_is_empty():
    assert top_level(io.BytesIO(b"")) == []
    assert top_level(io.BytesIO(b"\0" * 7)) == []


def test_top_level_refuses_a_malformed_size():
    data = box(b"ftyp", b"isom") + struct.pack(">I4s", 5, b"junk") + b"\0" * 20
    with pytest.raises(BoxError, match="junk"):
        top_level(io.BytesIO(data))


def test_top_level_refuses_a_largesize_cut_short_at_the_end_of_the_file():
    data = box(b"ftyp", b"isom") + struct.pack(">I4s", 1, b"mdat") + b"\0\0"
    with pytest.raises(BoxError):
        top_level(io.BytesIO(data))


def test_top_level_reads_a_real_clip(tmp_path):
    from tests.media_helpers import small_clip

    path = small_clip(tmp_path / "c.mp4", seconds=1)
    with path.open("rb") as file:
        found = top_level(file)
    kinds = [k for k, *_ in found]
    assert kinds[0] == b"ftyp" and b"moov" in kinds and b"mdat" in kinds
    assert found[-1][1] + found[-1][3] == path.stat().st_size
    assert all(a[1] + a[3] == b[1] for a, b in zip(found, found[1:], strict=False))
    data = path.read_bytes()
    moov = next(b for b in found if b[0] == b"moov")
    trak = child(data, moov, b"trak")
    assert trak is not None and child(data, trak, b"mdia") is not None
