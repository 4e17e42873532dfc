"""bench/reporting.py on made-up bench results: the figures table, goals on both sides, missing sections, the plots."""

import json
from pathlib import Path
from typing import Any

import matplotlib.image
import pytest

from bench import reporting
from bench.measure import summary

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def runs(*seconds: float) -> dict[str, Any]:
    return summary(list(seconds))


def full_results() -> dict[str, Any]:
    """Shaped like the JSON bench/run.py writes (summaries from bench.measure, so with their samples)."""
    return {
        "machine": {"cpus": 2, "python": "3.11.7", "pyav": "18.1.0"},
        "measured_at": "2026-11-20T10:00:00+00:00",
        "render": {
            "stream_copy": runs(0.21, 0.19, 0.23),
            "full_reencode_baseline": runs(20.1),
            "speedup_vs_reencode": 105.8,
        },
        "probe": {"per_clip": runs(0.0086, 0.0111, 0.0157), "clip_seconds": 8, "realtime_multiple": 718.3},
        "prepare": {"prepare": runs(7.29), "realtime_multiple": 4.39},
        "enrichment": {
            "frames_keyframes_only_video_s_per_cpu_s": 93.8,
            "frames_every_frame_video_s_per_cpu_s": 23.2,
            "keyframes_vs_every_frame_ratio": 4.0,
            "faces_video_s_per_cpu_s": 17.4,
            "places_lookups_per_cpu_s": 2103,
            "visual_video_s_per_cpu_s": 3.5,
            "speech_video_s_per_cpu_s": 7.9,
        },
        "memory": {
            "requested_to_first_playable": runs(0.16, 0.15, 0.27, 0.18),  # p95 0.27: under the 0.5 s goal
            "requested_to_finished_mp4": runs(6.0, 5.8, 7.1, 6.2),  # p95 7.1: over the 3 s goal
            "full_reencode_baseline": runs(29.9),
            "finished_vs_reencode_ratio": 4.9,
            "cached_request_post": runs(0.036, 0.041),
            "goals": {"first_playable_p95_s": 0.5, "finished_p95_s": 3.0},
        },
        "gateway_search": {
            "one_client": {"clients": 1, "requests_per_s": 28.8, "errors": 0, **runs(0.03, 0.049, 0.035)},
            "concurrent": {"clients": 50, "requests_per_s": 37.6, "errors": 0, **runs(1.25, 1.61, 1.3)},
            "throughput_ratio": 1.31,
            "p95_ratio": 32.9,
            "album_10k": {
                "one_client": {"clients": 1, "requests_per_s": 66.0, "errors": 0, **runs(0.005, 0.027, 0.016)},
                "concurrent": {"clients": 50, "requests_per_s": 95.0, "errors": 0, **runs(0.2, 0.64, 0.5)},
                "throughput_ratio": 1.44,
            },
        },
        "search": {
            "clips": 10_000,
            "place_and_words": {"text": "the beach in Lisbon", "candidates": 40, **runs(0.05, 0.053, 0.052)},
            "place_and_time": {"text": "Tokyo in 2024", "candidates": 40, **runs(0.031, 0.034, 0.03)},
            "words_only": {"text": "sunset", "candidates": 40, **runs(0.06, 0.065)},
            "time_and_words": {"text": "food last summer", "candidates": 40, **runs(0.05, 0.05)},  # p95 = goal
            "goal_p95_s": 0.05,
        },
        "upload": {
            "size_mb": 61.3,
            "direct_s3_mb_s": 160.4,
            "gateway_tus_mb_s": 60.1,
            "gateway_multipart_mb_s": 51.9,
            "tus_vs_direct_ratio": 0.37,
            "multipart_vs_direct_ratio": 0.32,
        },
        "replay": {
            "events": 1_000_000,
            "produce_events_per_s": 85_000.0,
            "batched": {"events": 1_000_000, "seconds": 40.0, "events_per_s": 25_000.0},
            "row_at_a_time": {"events": 5_000, "seconds": 10.0, "events_per_s": 500.0},
            "batched_vs_row_ratio": 50.0,
            "goal_events_per_s": 20_000,
        },
        "scale": {"one_worker_s": 14.0, "two_workers_s": 11.5, "two_vs_one_speedup": 1.22},
        "install": {"install_s": 20.5, "venv_gb": 2.46, "baseline_torch_venv_gb": 8.2, "torch_installed": False},
        "startup": {
            "ready_s": runs(3.6, 3.7),
            "first_search_s": runs(3.9, 4.0),
            "baseline_import_s": runs(0.07, 0.08),
        },
        "load": {
            "events_per_s": 12.5,
            "memory_requested_to_rendered": {"p95_s": 3.8},
            "reconciliation": {"problems": 0, "ok": True},
        },
        "relevance": {
            "searches": {
                "top1_accuracy": 0.8,
                "baseline_top1_accuracy": 0.05,
                "ndcg_at_5": 0.7,
                "baseline_ndcg_at_5": 0.1,
            },
            "memories": {
                "by_kind": {
                    "filter": {"precision": 1.0, "recall_clips": 0.9},
                    "what": {"precision": 0.85, "recall_clips": 0.7},
                }
            },
        },
        "understanding": {
            "corpus": {"fully_right": 0.97, "baseline_fully_right": 0.04},
            "heldout": {"fully_right": 0.93, "baseline_fully_right": 0.02},
        },
    }


def rows(markdown: str, before: bool = False) -> dict[str, list[str]]:
    """The figures table by figure label: value, baseline, ratio, goal, met? (and the figure before, if asked)"""
    found = {}
    for line in markdown.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(cells) == 7 and cells[0] != "figure":
            found[cells[0]] = [cells[2]] if before else [cells[1], *cells[3:]]
    return found


def assert_png(path: Path) -> None:
    assert path.read_bytes()[:8] == PNG_SIGNATURE
    height, width, _ = matplotlib.image.imread(path).shape
    assert width > 300 and height > 100


def test_every_headline_has_its_value_baseline_ratio_goal_and_verdict(tmp_path: Path):
    written = reporting.write_report(full_results(), tmp_path)
    markdown = (tmp_path / "report.md").read_text()
    table = rows(markdown)

    assert len(table) == len(reporting.HEADLINES)
    assert reporting.NOT_MEASURED not in markdown
    assert markdown.startswith("# Benchmark report\n")
    assert "2026-11-20T10:00:00+00:00" in markdown and "cpus 2, python 3.11.7, pyav 18.1.0" in markdown
    assert "python -m bench.reporting bench/out/results.json bench/report" in markdown
    assert table["2-minute memory: requested → first playable (p95)"] == ["0.27 s", "", "", "≤ 0.5 s", "yes"]
    assert table["2-minute memory: requested → finished MP4 (p95)"] == [
        "7.1 s",
        "full decode + re-encode: 29.9 s",
        "4.9×",
        "≤ 3 s",
        "**no**",
    ]
    assert table["search 10,000 clips: place + time (p95)"] == ["34 ms", "", "", "≤ 50 ms", "yes"]
    assert table["search 10,000 clips: words only (p95)"][-1] == "**no**"
    assert table["search 10,000 clips: time + words (p95)"][-1] == "yes"  # exactly at the goal meets it
    assert table["replay into ClickHouse + Qdrant (batched projection)"] == [
        "25,000 events/s",
        "row at a time (the live projector's way): 500 events/s",
        "50×",
        "≥ 20,000 events/s",
        "yes",
    ]
    assert table["upload through the gateway (tus)"] == ["60.1 MB/s", "direct S3 put: 160 MB/s", "0.37×", "", "—"]
    assert table["enrichment: keyframe sampling"][:3] == [
        "93.8 video s / CPU s",
        "decoding every frame: 23.2 video s / CPU s",
        "4×",
    ]
    assert table["enrichment: places (GPS → place)"][0] == "2,103 lookups / CPU s"
    assert table["gateway search, 50 clients, 16-clip album (p95)"][:3] == ["1,610 ms", "one client: 49 ms", "32.9×"]
    assert table["gateway search, 50 clients, 16-clip album: errors"] == ["0 errors", "", "", "≤ 0 errors", "yes"]
    assert table["prepare speed"] == ["4.39× real time", "", "", "≥ 1× real time", "yes"]

    plots = {p.name for p in written if p.suffix == ".png"}
    sections = ("render", "probe", "prepare", "memory", "gateway_search", "search", "startup")
    assert plots == {f"latency-{s}.png" for s in sections}
    for name in plots:
        assert_png(tmp_path / name)
        assert f"[{name}]({name})" in markdown
    assert "requested_to_first_playable, requested_to_finished_mp4" in markdown
    assert "one_client, concurrent" in markdown


def test_goals_are_judged_on_both_sides_for_lower_and_upper_bounds():
    playable = next(h for h in reporting.HEADLINES if h.path == "requested_to_first_playable.p95_s")
    replay = next(h for h in reporting.HEADLINES if h.path == "batched.events_per_s")
    assert playable.goal == ("<=", 0.5) and replay.goal == (">=", 20_000)
    assert reporting.met(0.49, playable.goal) and reporting.met(0.5, playable.goal)
    assert not reporting.met(0.51, playable.goal)
    assert reporting.met(20_001, replay.goal) and reporting.met(20_000, replay.goal)
    assert not reporting.met(19_999, replay.goal)

    worse = full_results()
    worse["replay"]["batched"]["events_per_s"] = 19_000.0
    worse["memory"]["requested_to_first_playable"] = runs(0.6, 0.7)
    table = rows("\n".join(reporting.table(worse)))
    assert table["replay into ClickHouse + Qdrant (batched projection)"][-1] == "**no**"
    assert table["2-minute memory: requested → first playable (p95)"][-1] == "**no**"


def test_missing_sections_and_keys_are_not_measured_instead_of_failing(tmp_path: Path):
    partial = full_results()
    for skipped in ("enrichment", "gateway_search", "search", "replay"):
        del partial[skipped]
    del partial["measured_at"]
    # an older bench wrote this section under other keys, and a failed step may leave a string
    partial["memory"] = {"requested_to_rendered_events": runs(0.2, 0.22), "requests": 12}
    partial["upload"]["gateway_multipart_mb_s"] = "failed"
    del partial["upload"]["direct_s3_mb_s"]

    written = reporting.write_report(partial, tmp_path)
    markdown = (tmp_path / "report.md").read_text()
    table = rows(markdown)

    assert len(table) == len(reporting.HEADLINES)
    assert table["replay into ClickHouse + Qdrant (batched projection)"] == [
        reporting.NOT_MEASURED,
        "",
        "",
        "≥ 20,000 events/s",
        "—",
    ]
    assert table["2-minute memory: requested → first playable (p95)"][0] == reporting.NOT_MEASURED
    assert table["enrichment: speech (Whisper tiny.en)"][0] == reporting.NOT_MEASURED
    assert table["upload through the gateway (one-shot multipart)"][0] == reporting.NOT_MEASURED
    assert table["upload through the gateway (tus)"][:3] == ["60.1 MB/s", "direct S3 put: not measured", "0.37×"]
    assert table["render a 1080p montage by stream copy (fastest run)"][0] == "0.19 s"
    assert "Not measured in this run (step skipped or failed): enrichment, memory, gateway_search, search, replay." in (
        markdown
    )
    assert "Measured at an unknown date" in markdown
    # the old memory timing has samples: it is still plotted, though no headline names it
    assert {p.name for p in written if p.suffix == ".png"} == {
        "latency-render.png",
        "latency-probe.png",
        "latency-prepare.png",
        "latency-memory.png",
        "latency-startup.png",
    }


def test_a_report_with_nothing_measured_still_renders(tmp_path: Path):
    written = reporting.write_report({}, tmp_path)
    markdown = (tmp_path / "report.md").read_text()
    assert written == [tmp_path / "report.md"]
    assert all(cells[0] == reporting.NOT_MEASURED for cells in rows(markdown).values())
    assert "an unrecorded machine" in markdown and "- none recorded" in markdown


def test_plots_of_an_earlier_report_do_not_outlive_their_section(tmp_path: Path):
    reporting.write_report(full_results(), tmp_path)
    assert (tmp_path / "latency-search.png").exists()
    (tmp_path / "notes.png").write_bytes(PNG_SIGNATURE)  # not the report's: left alone
    reporting.write_report({"render": full_results()["render"]}, tmp_path)
    assert sorted(p.name for p in tmp_path.glob("*.png")) == ["latency-render.png", "notes.png"]


def test_the_command_rebuilds_the_report_and_keeps_the_json_beside_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    source = tmp_path / "out" / "results.json"
    source.parent.mkdir()
    source.write_text(json.dumps(full_results(), indent=2))
    target = tmp_path / "report"

    reporting.main([str(source), str(target)])

    assert json.loads((target / "results.json").read_text()) == full_results()
    assert "| 2-minute memory: requested → first playable (p95) | 0.27 s |" in (target / "report.md").read_text()
    assert_png(target / "latency-memory.png")
    assert str(target / "report.md") in capsys.readouterr().out
    reporting.main([str(source), str(source.parent)])  # into the JSON's own folder: nothing to copy over itself
    assert json.loads(source.read_text()) == full_results()


def test_summary_keeps_every_run_in_the_order_measured():
    result = summary([0.3, 0.1000004, 0.2])
    assert result["samples_s"] == [0.3, 0.1, 0.2]
    assert (result["min_s"], result["median_s"], result["p95_s"], result["runs"]) == (0.1, 0.2, 0.3, 3)


def test_a_run_of_some_sections_merged_into_an_earlier_one_says_which_run_measured_what(tmp_path: Path):
    merged = full_results()
    merged["sections_measured_at"] = {
        "render": "2026-11-20T10:00:00+00:00",
        "understanding": "2026-12-03T15:00:00+00:00",
    }
    reporting.write_report(merged, tmp_path)
    markdown = (tmp_path / "report.md").read_text()
    assert (
        "Sections by the run that measured them: 2026-11-20T10:00:00+00:00: render; "
        "2026-12-03T15:00:00+00:00: understanding." in markdown
    )


def test_the_bench_refuses_a_section_it_does_not_know(tmp_path: Path):
    from bench import run
    from core.settings import Settings

    with pytest.raises(ValueError, match="unknown bench sections: nope"):
        run.run(Settings(data_dir=tmp_path), tmp_path / "out.json", only={"nope", "render"})


def test_a_merged_run_shows_each_figure_it_measured_again_beside_the_one_before(tmp_path: Path):
    results = full_results()
    results["sections_measured_at"] = {"replay": "2026-11-24T10:00:00+00:00", "memory": "2026-11-24T10:00:00+00:00"}
    reporting.remember_before(results, {"replay"})  # the run measures replay again, not memory
    results["replay"]["batched"]["events_per_s"] = 30_000.0
    reporting.write_report(results, tmp_path)
    markdown = (tmp_path / "report.md").read_text()
    before = rows(markdown, before=True)
    assert before["replay into ClickHouse + Qdrant (batched projection)"] == ["25,000 events/s"]
    assert rows(markdown)["replay into ClickHouse + Qdrant (batched projection)"][0] == "30,000 events/s"
    assert before["2-minute memory: requested → first playable (p95)"] == [""]  # not measured again
    assert "replay: 2026-11-24T10:00:00+00:00" in markdown


def test_the_profile_shows_where_each_request_s_milliseconds_go(tmp_path: Path):
    results = full_results()
    results["profile"] = {
        "search: words only": {"text": "sunset", "median_ms": 10.0, "stages_ms": {"embed": 1.0, "vectors": 6.0}},
        "album snapshot read (after a write of the user)": {"median_ms": 150.0},
        "note": "median per request",
    }
    reporting.write_report(results, tmp_path)
    markdown = (tmp_path / "report.md").read_text()
    assert '**search: words only** ("sunset"): 10 ms a request (median)' in markdown
    assert (
        "| vectors | 6 | 60% |" in markdown
        and "| the rest (ranking, Python between the stages) | 3 | 30% |" in markdown
    )
    assert "- album snapshot read (after a write of the user): 150 ms (median)" in markdown
