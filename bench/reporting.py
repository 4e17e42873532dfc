"""The benchmark report: the bench's JSON as one short Markdown table (each headline figure with its baseline
measured in the same run, the ratio of the two, its goal and whether the goal was met) and PNG plots of the
latency distributions (every timing the bench kept the runs of, see bench/measure.py).

    python -m bench.reporting bench/out/results.json bench/report

rebuilds the report from a JSON already measured, without services. A figure the JSON lacks (a bench step that
was skipped or failed, or an older bench) is listed as "not measured" rather than failing the whole report.
"""

from __future__ import annotations

import argparse
import json
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bench.measure import summary

NOT_MEASURED = "not measured"
SCALES = {"ms": 1000.0, "%": 100.0}  # units shown scaled from the JSON's seconds; every other unit is the JSON's own
PLOT_PREFIX = "latency-"


@dataclass(frozen=True)
class Headline:
    section: str  # top-level key of the bench JSON
    path: str  # dotted key path inside the section
    label: str
    unit: str
    goal: tuple[str, float] | None = None  # ("<=" or ">=", bound in the JSON's unit, i.e. seconds for "s"/"ms")
    baseline: str | None = None  # dotted path of the baseline measured in the same run
    baseline_label: str = ""
    ratio: str | None = None  # the bench's own ratio: each bench defines which way round it is meaningful


SEARCH_KINDS = {
    "place_and_words": "place + words",
    "place_and_time": "place + time",
    "words_only": "words only",
    "time_and_words": "time + words",
}

# The one place that says what the headline figures and their goals are (goals from the product's issues, as the
# bench modules also record them in their JSON).
HEADLINES: tuple[Headline, ...] = (
    Headline("render", "stream_copy.min_s", "render a 1080p montage by stream copy (fastest run)", "s",
             baseline="full_reencode_baseline.min_s", baseline_label="full decode + re-encode",
             ratio="speedup_vs_reencode"),
    Headline("probe", "per_clip.median_s", "probe an 8 s 1080p clip (median)", "ms"),
    Headline("probe", "realtime_multiple", "probe speed", "× real time"),
    Headline("prepare", "prepare.min_s", "prepare a 32 s 1080p clip: mezzanine, poster, strip (fastest run)", "s"),
    Headline("prepare", "realtime_multiple", "prepare speed", "× real time", goal=(">=", 1.0)),
    Headline("enrichment", "frames_keyframes_only_video_s_per_cpu_s", "enrichment: keyframe sampling",
             "video s / CPU s", baseline="frames_every_frame_video_s_per_cpu_s",
             baseline_label="decoding every frame", ratio="keyframes_vs_every_frame_ratio"),
    Headline("enrichment", "faces_video_s_per_cpu_s", "enrichment: faces (sampling + YuNet + SFace)",
             "video s / CPU s"),
    Headline("enrichment", "visual_video_s_per_cpu_s", "enrichment: visual (tags + caption vectors)",
             "video s / CPU s"),
    Headline("enrichment", "speech_video_s_per_cpu_s", "enrichment: speech (Whisper tiny.en)", "video s / CPU s"),
    Headline("enrichment", "places_lookups_per_cpu_s", "enrichment: places (GPS → place)", "lookups / CPU s"),
    Headline("memory", "requested_to_first_playable.p95_s", "2-minute memory: requested → first playable (p95)",
             "s", goal=("<=", 0.5)),
    Headline("memory", "requested_to_finished_mp4.p95_s", "2-minute memory: requested → finished MP4 (p95)", "s",
             goal=("<=", 3.0), baseline="full_reencode_baseline.min_s", baseline_label="full decode + re-encode",
             ratio="finished_vs_reencode_ratio"),
    Headline("memory", "cached_request_post.median_s", "the same memory again, from the cache (median)", "ms"),
    Headline("gateway_search", "concurrent.requests_per_s", "gateway search, 50 clients, 16-clip album",
             "requests/s", goal=(">=", 250), baseline="one_client.requests_per_s", baseline_label="one client",
             ratio="throughput_ratio"),
    Headline("gateway_search", "concurrent.p95_s", "gateway search, 50 clients, 16-clip album (p95)", "ms",
             goal=("<=", 0.3), baseline="one_client.p95_s", baseline_label="one client", ratio="p95_ratio"),
    Headline("gateway_search", "concurrent.errors", "gateway search, 50 clients, 16-clip album: errors", "errors",
             goal=("<=", 0)),
    Headline("gateway_search", "album_10k.concurrent.requests_per_s", "gateway search, 50 clients, 10,000 clips",
             "requests/s", goal=(">=", 250), baseline="album_10k.one_client.requests_per_s",
             baseline_label="one client", ratio="album_10k.throughput_ratio"),
    Headline("gateway_search", "album_10k.concurrent.p95_s", "gateway search, 50 clients, 10,000 clips (p95)", "ms",
             goal=("<=", 0.3)),
    Headline("gateway_search", "album_10k.one_client.p95_s", "gateway search, one client, 10,000 clips (p95)", "ms",
             goal=("<=", 0.02)),
    Headline("gateway_search", "album_10k.concurrent.errors", "gateway search, 50 clients, 10,000 clips: errors",
             "errors", goal=("<=", 0)),
    *(
        Headline("search", f"{kind}.p95_s", f"search 10,000 clips: {words} (p95)", "ms", goal=("<=", 0.05))
        for kind, words in SEARCH_KINDS.items()
    ),
    Headline("upload", "gateway_tus_mb_s", "upload through the gateway (tus)", "MB/s",
             baseline="direct_s3_mb_s", baseline_label="direct S3 put", ratio="tus_vs_direct_ratio"),
    Headline("upload", "gateway_multipart_mb_s", "upload through the gateway (one-shot multipart)", "MB/s",
             baseline="direct_s3_mb_s", baseline_label="direct S3 put", ratio="multipart_vs_direct_ratio"),
    Headline("replay", "batched.events_per_s", "replay into ClickHouse + Qdrant (batched projection)", "events/s",
             goal=(">=", 20_000), baseline="row_at_a_time.events_per_s",
             baseline_label="row at a time (the live projector's way)", ratio="batched_vs_row_ratio"),
    Headline("replay", "produce_events_per_s", "produce the synthetic log to Kafka", "events/s"),
    Headline("scale", "two_workers_s", "enrich the sample album with two worker processes (one consumer group)", "s",
             baseline="one_worker_s", baseline_label="one worker", ratio="two_vs_one_speedup"),
    Headline("understanding", "corpus.fully_right", "understanding: requests fully right (332-request corpus)", "%",
             goal=(">=", 0.95), baseline="corpus.baseline_fully_right", baseline_label="nothing understood"),
    Headline("understanding", "heldout.fully_right", "understanding: fully right, held-out (another user, 312)", "%",
             goal=(">=", 0.95), baseline="heldout.baseline_fully_right", baseline_label="nothing understood"),
    Headline("relevance", "searches.top1_accuracy", "search: the right capture first (labelled album)", "%",
             goal=(">=", 0.9), baseline="searches.baseline_top1_accuracy", baseline_label="newest first"),
    Headline("relevance", "searches.ndcg_at_5", "search: nDCG@5 (labelled album)", "",
             goal=(">=", 0.9), baseline="searches.baseline_ndcg_at_5", baseline_label="newest first"),
    Headline("relevance", "memories.by_kind.filter.precision", "memories by place, time, people: precision", "%",
             goal=(">=", 1.0)),
    Headline("relevance", "memories.by_kind.filter.recall_clips", "memories by place, time, people: recall (clips)",
             "%"),
    Headline("relevance", "memories.by_kind.what.precision", "memories of what is shown: precision", "%",
             goal=(">=", 0.8)),
    Headline("relevance", "memories.by_kind.what.recall_clips", "memories of what is shown: recall (clips)", "%"),
    Headline("install", "venv_gb", "runtime virtualenv, a fresh clone's install", "GB", goal=("<=", 2.5),
             baseline="baseline_torch_venv_gb", baseline_label="the torch install (issue 19, measured then)"),
    Headline("install", "install_s", "runtime install of a fresh clone, empty download caches", "s"),
    Headline("startup", "ready_s.median_s", "reverie serve → /readyz 200 (median)", "s", goal=("<=", 10.0),
             baseline="baseline_import_s.median_s", baseline_label="a bare interpreter importing the CLI"),
    Headline("startup", "first_search_s.median_s", "reverie serve → first search answered (median)", "s"),
    Headline("load", "events_per_s", "load: 8 devices uploading, then asking for memories (sustained)", "events/s"),
    Headline("load", "memory_requested_to_rendered.p95_s", "load: memory requested → rendered (p95)", "s"),
    Headline("load", "reconciliation.problems", "load: events missing or doubled, topics → projections", "events",
             goal=("<=", 0)),
)  # fmt: skip


def lookup(results: dict[str, Any], section: str, path: str) -> float | None:
    """The number at ``section`` + dotted ``path``, or None when any step is missing or it is not a number."""
    node: Any = results.get(section)
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    # bool is an int to Python, but a flag is not a measurement
    if isinstance(node, bool) or not isinstance(node, int | float):
        return None
    return float(node)


def met(value: float, goal: tuple[str, float]) -> bool:
    op, bound = goal
    if op == "<=":
        return value <= bound
    if op == ">=":
        return value >= bound
    raise ValueError(f"unknown goal operator {op!r}")


def number(x: float) -> str:
    """Three significant figures: enough to compare runs without pretending to more precision."""
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}"


def shown(value: float, unit: str) -> str:
    text = number(value * SCALES.get(unit, 1.0))
    return f"{text}{unit}" if unit.startswith("×") else f"{text} {unit}".strip()


def remember_before(results: dict[str, Any], sections: set[str]) -> None:
    """Before ``sections`` are measured again in a run merged into an earlier one: keep that run's headline figures
    of them under "before" (with when they were measured), so the report shows each figure beside the last."""
    before = results.setdefault("before", {})
    dates = results.get("sections_measured_at") or {}
    for h in HEADLINES:
        value = lookup(results, h.section, h.path)
        if h.section in sections and value is not None:
            kept = before.setdefault(h.section, {"measured_at": dates.get(h.section), "figures": {}})
            kept["measured_at"] = dates.get(h.section)
            kept["figures"][h.path] = value


def _before(results: dict[str, Any], h: Headline) -> str:
    kept = (results.get("before") or {}).get(h.section) or {}
    value = (kept.get("figures") or {}).get(h.path)
    return "" if value is None else shown(float(value), h.unit)


def _row(results: dict[str, Any], h: Headline) -> list[str]:
    goal = f"{'≤' if h.goal[0] == '<=' else '≥'} {shown(h.goal[1], h.unit)}" if h.goal else ""
    value = lookup(results, h.section, h.path)
    if value is None:
        return [h.label, NOT_MEASURED, _before(results, h), "", "", goal, "—"]
    baseline = ""
    if h.baseline:
        base = lookup(results, h.section, h.baseline)
        baseline = f"{h.baseline_label}: {NOT_MEASURED if base is None else shown(base, h.unit)}"
    ratio = lookup(results, h.section, h.ratio) if h.ratio else None
    verdict = "—" if h.goal is None else ("yes" if met(value, h.goal) else "**no**")
    ratio_shown = "" if ratio is None else f"{number(ratio)}×"
    return [h.label, shown(value, h.unit), _before(results, h), baseline, ratio_shown, goal, verdict]


def table(results: dict[str, Any]) -> list[str]:
    """The Markdown lines of the figures table, one row per headline."""
    lines = [
        "| figure | value | before | baseline | ratio | goal | met? |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += ["| " + " | ".join(_row(results, h)) + " |" for h in HEADLINES]
    return lines


def distributions(section: dict[str, Any], prefix: str = "") -> list[tuple[str, list[float]]]:
    """Every ``samples_s`` in a section (nested summaries too), named by where it sits, in the JSON's order."""
    found: list[tuple[str, list[float]]] = []
    samples = section.get("samples_s")
    if isinstance(samples, list) and samples and all(isinstance(s, int | float) for s in samples):
        found.append((prefix or "runs", [float(s) for s in samples]))
    for key, value in section.items():
        if isinstance(value, dict):
            found += distributions(value, f"{prefix}.{key}" if prefix else key)
    return found


def plot(name: str, series: list[tuple[str, list[float]]], goals: dict[str, float], path: Path) -> None:
    """One PNG: a box per timing with every run as a dot over it, its p95 marked, and its p95 goal if it has one."""
    unit, scale = ("ms", 1000.0) if max(max(s) for _, s in series) < 1.0 else ("s", 1.0)
    figure = Figure(figsize=(9, 1.6 + 0.6 * len(series)), layout="constrained")
    FigureCanvasAgg(figure)  # the Agg canvas: renders PNGs without a display, and without pyplot's global state
    ax = figure.subplots()
    data = [[v * scale for v in samples] for _, samples in series]
    ax.boxplot(
        data,
        orientation="horizontal",
        tick_labels=[f"{label} (n={len(samples)})" for label, samples in series],
        showfliers=False,  # the dots already show every run, outliers included
        widths=0.5,
    )
    jitter = np.random.default_rng(0)  # fixed, so a report rebuilt from the same JSON is the same picture
    for row, (label, samples) in enumerate(series, start=1):
        ax.scatter(data[row - 1], row + jitter.uniform(-0.15, 0.15, len(samples)), s=9, alpha=0.5, color="tab:blue")
        # the same p95 as the table's (bench/measure.py's rule), not numpy's interpolated one
        p95 = summary(samples)["p95_s"] * scale
        ax.plot([p95], [row], marker="D", color="black", linestyle="", label="p95" if row == 1 else "_nolegend_")
        if label in goals:
            # only across its own row: the goals of a section's timings differ (0.5 s playable, 3 s finished)
            legend = "p95 goal" if label == next(iter(goals)) else "_nolegend_"  # one legend entry
            ax.vlines(goals[label] * scale, row - 0.4, row + 0.4, colors="tab:red", linestyles="--", label=legend)
    ax.legend(loc="best", fontsize="small")
    ax.invert_yaxis()  # top to bottom in the JSON's order
    positive = [v for values in data for v in values if v > 0]
    # a stream copy next to a full re-encode differs by 100×: on a linear axis the fast one is a line at zero
    if positive and max(positive) / min(positive) > 50:
        ax.set_xscale("log")
    ax.set_xlabel(f"{unit} per run")
    ax.set_title(f"{name}: latency per run")
    ax.grid(axis="x", alpha=0.3)
    figure.savefig(path, dpi=100)


def _goals_of(section: str, timings: list[str]) -> dict[str, float]:
    """The p95 upper bounds of a section's plotted timings, by timing."""
    goals = {}
    for h in HEADLINES:
        timing = h.path.removesuffix(".p95_s")
        if h.section == section and h.goal and h.goal[0] == "<=" and h.path.endswith(".p95_s") and timing in timings:
            goals[timing] = h.goal[1]
    return goals


def profile_lines(profile: Any) -> list[str]:
    """The profile section (bench/profile.py) as a table per request: where the milliseconds go."""
    if not isinstance(profile, dict):
        return []
    lines = ["", "## Where a search's and a memory plan's milliseconds go", "", str(profile.get("note", "")), ""]
    for label, body in profile.items():
        if not isinstance(body, dict):
            continue
        stages = body.get("stages_ms")
        if not stages:
            lines += [f"- {label}: {number(body['median_ms'])} ms (median)"]
            continue
        shown_ms = sum(stages.values())
        lines += ["", f'**{label}** ("{body["text"]}"): {number(body["median_ms"])} ms a request (median)', ""]
        lines += ["| stage | ms | share |", "|---|---|---|"]
        lines += [f"| {stage} | {number(ms)} | {ms / body['median_ms']:.0%} |" for stage, ms in stages.items()]
        rest = max(0.0, body["median_ms"] - shown_ms)
        lines += [
            f"| the rest (ranking, Python between the stages) | {number(rest)} | {rest / body['median_ms']:.0%} |"
        ]
    return lines


def write_report(results: dict[str, Any], out_dir: Path) -> list[Path]:
    """report.md and one latency PNG per section with samples into ``out_dir``; returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    # plots of an earlier report whose section is gone now would be committed along with a report not naming them
    for stale in out_dir.glob(f"{PLOT_PREFIX}*.png"):
        stale.unlink()
    plots: list[tuple[Path, list[str]]] = []
    for section, body in results.items():
        if not isinstance(body, dict):
            continue
        series = distributions(body)
        if series:
            path = out_dir / f"{PLOT_PREFIX}{section}.png"
            plot(section, series, _goals_of(section, [label for label, _ in series]), path)
            plots.append((path, [label for label, _ in series]))
    machine = results.get("machine") or {}
    # a section an older bench wrote under other keys counts as missing too: none of its figures are there
    measured = {h.section for h in HEADLINES if lookup(results, h.section, h.path) is not None}
    missing = [s for s in dict.fromkeys(h.section for h in HEADLINES) if s not in measured]
    lines = [
        "# Benchmark report",
        "",
        f"Measured {results.get('measured_at') or 'at an unknown date'} on "
        + (", ".join(f"{k} {v}" for k, v in machine.items()) or "an unrecorded machine")
        + f"; report written {datetime.now(UTC):%Y-%m-%d}. Rebuild: `just bench` (measures again), or "
        "`.venv/bin/python -m bench.reporting bench/out/results.json bench/report` (from the JSON).",
        "",
        *table(results),
        "",
        "Ratios are each bench's own (`results.json`, `bench/*.py` say which way round); "
        "the baseline is measured in the same run; *before* is the figure of the earlier run this one was merged "
        "into (`--merge`), when it measured that section again"
        + (
            " ("
            + "; ".join(f"{s}: {b.get('measured_at')}" for s, b in sorted((results.get("before") or {}).items()))
            + ")."
            if results.get("before")
            else "."
        ),
    ]
    dates = results.get("sections_measured_at") or {}
    if len({d for d in dates.values() if d}) > 1:  # a run of some sections merged into an earlier one
        by_date: dict[str, list[str]] = {}
        for section, date in dates.items():
            by_date.setdefault(date or "an unknown date", []).append(section)
        lines += [
            "",
            "Sections by the run that measured them: "
            + "; ".join(f"{date}: {', '.join(sections)}" for date, sections in sorted(by_date.items()))
            + ".",
        ]
    if missing:
        lines += ["", f"Not measured in this run (step skipped or failed): {', '.join(missing)}."]
    lines += profile_lines(results.get("profile"))
    lines += ["", "## Latency distributions", ""]
    lines += [f"- [{p.name}]({p.name}): {', '.join(labels)}" for p, labels in plots] or ["- none recorded"]
    report = out_dir / "report.md"
    report.write_text("\n".join(lines) + "\n")
    return [report, *(p for p, _ in plots)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.reporting", description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path, help="the JSON `python -m bench run` wrote")
    parser.add_argument("out_dir", type=Path, help="where report.md, the PNGs and a copy of the JSON go")
    args = parser.parse_args(argv)
    results = json.loads(args.results.read_text())
    written = write_report(results, args.out_dir)
    copy = args.out_dir / "results.json"
    # the committed folder holds the numbers its report was made from
    if not copy.exists() or not copy.samefile(args.results):
        shutil.copyfile(args.results, copy)
        written.append(copy)
    for path in written:
        print(path)


if __name__ == "__main__":
    main()
