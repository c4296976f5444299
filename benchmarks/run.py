"""`make bench`: offline core speed, end-to-end throughput beside two baselines, latency, worker RSS.

    python -m benchmarks.run [--articles N] [--rounds R] [--workers K] [--rates 500,50] [--skip latency]

Writes benchmarks/results/<date>.json and latest.json, and prints a short table. Baselines and naba
run interleaved (the order rotates every round) on the same messages, each on a fresh embedded broker;
the table gives medians over rounds and the ratio of medians. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from benchmarks import e2e, machine, offline
from pipeline.enrich import Resources
from pipeline.stages import Limits, clean_stage, enrich_stage

RESULTS = Path(__file__).resolve().parent / "results"
PARTS = ("offline", "e2e", "latency")
Result = dict[str, Any]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=20_000, help="articles per end-to-end run")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of the contestants")
    parser.add_argument("--workers", type=int, default=1, help="naba worker processes sharing the partitions")
    parser.add_argument(
        "--contestants", default="aiokafka,faust,naba", help="end-to-end contestants (comma-separated)"
    )
    parser.add_argument("--rates", default="500,50", help="offered articles/s of the latency runs")
    parser.add_argument("--latency-seconds", type=float, default=10.0, help="length of each offered load")
    parser.add_argument("--offline-seconds", type=float, default=0.5, help="CPU time per offline round")
    parser.add_argument("--skip", action="append", choices=PARTS, default=[], help="leave a part out")
    parser.add_argument("--output", type=Path, default=RESULTS, help="folder for the JSON results")
    parser.add_argument(
        "--baseline",
        metavar="REV",
        help="also run naba's worker as of git revision REV, interleaved (before/after in one run)",
    )
    args = parser.parse_args(argv)
    names = [name.strip() for name in args.contestants.split(",") if name.strip()]
    if not names or any(name not in e2e.CONTESTANTS for name in names):
        parser.error(f"--contestants: choose among {', '.join(e2e.CONTESTANTS)}")
    try:
        rates = [float(rate) for rate in args.rates.split(",") if rate.strip()]
    except ValueError:
        parser.error("--rates: numbers separated by commas, e.g. 500,50")

    result: Result = {"machine": machine.facts(), "args": {k: str(v) for k, v in vars(args).items()}}
    with tempfile.TemporaryDirectory(prefix="naba-baseline-") as tmp:
        baseline = _baseline(args.baseline, Path(tmp)) if args.baseline else None
        _run_parts(args, names, rates, baseline, result)
    result["machine"]["load_average_at_end"] = machine.load_average()

    args.output.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    data = orjson.dumps(result, option=orjson.OPT_INDENT_2) + b"\n"
    for name in (f"{stamp}.json", "latest.json"):
        (args.output / name).write_bytes(data)
    print(table(result))
    _say(f"\nresults: {args.output / (stamp + '.json')}")
    return 0


def _baseline(revision: str, folder: Path) -> e2e.Contestant:
    """naba as of ``revision``, exported from git into ``folder`` (the same venv runs it)."""
    archive = subprocess.run(
        ["git", "-C", str(e2e.PROJECT), "archive", revision], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return e2e.naba_from(folder, f"naba@{revision}")


def _run_parts(
    args: argparse.Namespace,
    names: list[str],
    rates: list[float],
    baseline: e2e.Contestant | None,
    result: Result,
) -> None:
    if "offline" not in args.skip:
        _say("offline: clean + extract + topics, one core (CPU time) ...")
        result["offline"] = offline.run(min_seconds=args.offline_seconds)
    if "e2e" not in args.skip:
        contestants = [e2e.CONTESTANTS[name] for name in names] + ([baseline] if baseline else [])
        result["e2e"] = asyncio.run(_e2e(contestants, args.articles, args.rounds, args.workers))
    if "latency" not in args.skip:
        result["latency"] = []
        for rate in rates:
            count = max(1, int(rate * args.latency_seconds))
            for contestant in [e2e.NABA] + ([baseline] if baseline else []):
                _say(
                    f"latency: {count} articles offered at {rate:g}/s to {args.workers} {contestant.name} "
                    "worker(s) ..."
                )
                run = e2e.latency(e2e.messages_for(count), rate, args.workers, contestant=contestant)
                result["latency"].append(asyncio.run(run))


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def messages_per_article() -> int:
    """Messages naba produces per seed article: one on news.clean plus what enrich emits."""
    key, raw = e2e.messages_for(1)[0]
    (cleaned,) = clean_stage(key, raw, Limits(max_article_bytes=2_000_000))
    return 1 + len(enrich_stage(cleaned.key, cleaned.value, Resources.load(e2e.PROJECT / "config")))


async def _e2e(order: list[e2e.Contestant], articles: int, rounds: int, workers: int) -> Result:
    messages = e2e.messages_for(articles)
    per_naba = messages_per_article()
    runs: list[Result] = []
    for number in range(rounds):
        shift = number % len(order)  # rotate: no contestant always runs first (or last)
        for contestant in order[shift:] + order[:shift]:
            count = workers if contestant.target == e2e.NABA.target else 1
            _say(f"e2e round {number + 1}/{rounds}: {contestant.name} x{count}, {articles} articles ...")
            run = await e2e.throughput(contestant, messages, workers=count)
            run["round"] = number + 1
            runs.append(run)
            _say(f"  {run['articles_per_s']:.0f} articles/s, {run['cpu_ms_per_article']:.2f} CPU ms/article")
    return {
        "articles": articles,
        "rounds": rounds,
        "workers": workers,
        "messages_per_article": {c.name: per_naba if c.target == e2e.NABA.target else 1 for c in order},
        "runs": runs,
        "summary": summarize(runs),
    }


def summarize(runs: list[Result]) -> Result:
    by: dict[str, list[Result]] = {}
    for run in runs:
        by.setdefault(run["contestant"], []).append(run)
    summary: Result = {}
    for name, group in by.items():
        rates = [r["articles_per_s"] for r in group]
        median = statistics.median(rates)
        summary[name] = {
            "articles_per_s_median": median,
            "articles_per_s_all": rates,
            # (max - min) / median over the rounds: how much the shared machine moved the numbers.
            "spread": (max(rates) - min(rates)) / median if median else 0.0,
            "cpu_ms_per_article_median": statistics.median(r["cpu_ms_per_article"] for r in group),
            "broker_cpu_ms_per_article_median": statistics.median(
                r["broker_cpu_ms_per_article"] for r in group
            ),
            "peak_rss_mb_max": max(max(r["peak_rss_mb"]) for r in group),
        }
    ratios: Result = {}
    if {"naba", "faust", "aiokafka"} <= by.keys():
        # naba's articles/s (news.raw -> news.enriched) over the passthroughs' messages/s (= articles/s).
        naba = summary["naba"]["articles_per_s_median"]
        for base in ("faust", "aiokafka"):
            ratios[f"naba_vs_{base}"] = naba / summary[base]["articles_per_s_median"]
            # Per round too: the machine is shared, so a ratio within one round is the fairer comparison.
            ratios[f"naba_vs_{base}_per_round"] = _per_round(by["naba"], by[base])
    for name in by:
        if name.startswith("naba@") and "naba" in by:
            # After / before, in the same run on the same messages.
            naba = summary["naba"]["articles_per_s_median"]
            ratios["naba_vs_baseline"] = naba / summary[name]["articles_per_s_median"]
            ratios["naba_vs_baseline_per_round"] = _per_round(by["naba"], by[name])
    if ratios:
        summary["ratios"] = ratios
    return summary


def _per_round(mine: list[Result], other: list[Result]) -> list[float]:
    return [a["articles_per_s"] / b["articles_per_s"] for a, b in zip(mine, other, strict=False)]


def table(result: Result) -> str:
    facts = result["machine"]
    lines = [
        f"machine: {facts['cpu']}, {facts['cores']} cores, Python {facts['python']}, {facts['date']}, "
        f"git {facts['git']}, load average {facts['load_average_at_start']} -> {facts['load_average_at_end']}"
    ]
    if "offline" in result:
        lines.append("\noffline, one core (CPU time)  articles/s  ms/article  outputs/article")
        for name, row in result["offline"].items():
            lines.append(
                f"  {name:<6} ({row['bytes']:>6} bytes)   {row['articles_per_s_per_core']:>10.0f}"
                f" {row['ms_per_article']:>11.2f} {row['outputs_per_article']:>16}"
            )
    if "e2e" in result:
        e2e_ = result["e2e"]
        summary, per = e2e_["summary"], e2e_["messages_per_article"]
        lines.append(
            f"\nend to end, {e2e_['articles']} seed articles news.raw -> output topic, median of "
            f"{e2e_['rounds']} round(s), naba with {e2e_['workers']} worker process(es)"
        )
        lines.append(
            "  contestant      articles/s  messages/s  spread  CPU ms/article: worker  broker  peak RSS MB"
        )
        for name in [name for name in summary if name != "ratios"]:
            if name in per:
                row = summary[name]
                rate = row["articles_per_s_median"]
                lines.append(
                    f"  {name:<14} {rate:>11.0f} {rate * per[name]:>11.0f} {row['spread']:>7.0%}"
                    f" {row['cpu_ms_per_article_median']:>23.2f}"
                    f" {row['broker_cpu_ms_per_article_median']:>7.2f} {row['peak_rss_mb_max']:>12.0f}"
                )
        ratios = summary.get("ratios", {})
        if "naba_vs_faust" in ratios:
            lines.append(
                f"  naba articles/s ÷ passthrough messages/s: {ratios['naba_vs_faust']:.3f}× bare Faust, "
                f"{ratios['naba_vs_aiokafka']:.3f}× raw aiokafka; per round "
                f"{', '.join(f'{x:.3f}' for x in ratios['naba_vs_faust_per_round'])} / "
                f"{', '.join(f'{x:.3f}' for x in ratios['naba_vs_aiokafka_per_round'])}"
            )
        if "naba_vs_baseline" in ratios:
            lines.append(
                f"  naba ÷ baseline (same run, same messages): {ratios['naba_vs_baseline']:.3f}×; per round "
                f"{', '.join(f'{x:.3f}' for x in ratios['naba_vs_baseline_per_round'])}"
            )
    for latency in result.get("latency", []):
        lines.append(
            f"\nlatency raw -> enriched ({latency.get('contestant', 'naba')}), "
            f"{latency['rate']:g} articles/s offered for "
            f"{latency['offered'] / latency['rate']:.0f} s: "
            f"{latency['delivered']}/{latency['offered']} delivered at "
            f"{latency['achieved_articles_per_s']:.0f}/s, p50 {latency['p50_ms']:.0f} ms, "
            f"p99 {latency['p99_ms']:.0f} ms, max {latency['max_ms']:.0f} ms "
            f"(offering up to {latency.get('offer_late_max_ms', 0.0):.0f} ms late); "
            f"worker peak RSS {max(latency['peak_rss_mb']):.0f} MB"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
