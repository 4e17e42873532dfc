import pytest

from gateway.errors import ApiError
from gateway.memories import signed_playlist

STORED = """#EXTM3U
#EXT-X-MAP:URI="processed/anna/c1/mezzanine-1080p.mp4",BYTERANGE="1235@0"
#EXTINF:2.000000,
#EXT-X-BYTERANGE:400@1235
processed/anna/c1/mezzanine-1080p.mp4
#EXTINF:2.000000,
#EXT-X-BYTERANGE:400@1635
processed/anna/c1/mezzanine-1080p.mp4
#EXT-X-DISCONTINUITY
#EXT-X-MAP:URI="x-000.mp4",BYTERANGE="800@0"
#EXTINF:0.500000,
#EXT-X-BYTERANGE:300@800
x-000.mp4
#EXT-X-ENDLIST
"""


def test_every_object_the_playlist_names_becomes_a_url_signed_once():
    signed: list[str] = []

    def sign(key: str) -> str:
        signed.append(key)
        return f"https://s3.test/{key}?signature=1"

    out = signed_playlist(STORED, "memories/anna/m1/hls/", "anna", sign).splitlines()
    assert signed == ["processed/anna/c1/mezzanine-1080p.mp4", "memories/anna/m1/hls/x-000.mp4"]
    assert (
        out[1]
        == '#EXT-X-MAP:URI="https://s3.test/processed/anna/c1/mezzanine-1080p.mp4?signature=1",BYTERANGE="1235@0"'
    )
    assert out[4] == out[7] == "https://s3.test/processed/anna/c1/mezzanine-1080p.mp4?signature=1"
    assert out[12] == "https://s3.test/memories/anna/m1/hls/x-000.mp4?signature=1"
    assert [line for line in out if line.startswith("#EXT-X-BYTERANGE")] == [
        "#EXT-X-BYTERANGE:400@1235",
        "#EXT-X-BYTERANGE:400@1635",
        "#EXT-X-BYTERANGE:300@800",
    ]


def test_a_playlist_naming_another_users_object_is_refused():
    forged = STORED.replace("processed/anna/c1", "processed/bob/c9")
    with pytest.raises(ApiError, match="not the user's"):
        signed_playlist(forged, "memories/anna/m1/hls/", "anna", lambda key: key)
