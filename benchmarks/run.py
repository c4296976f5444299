"""`make bench`: offline core speed, end-to-end throughput beside two baselines, latency, worker RSS.

    python -m benchmarks.run [--articles N] [--rounds R] [--workers K] [--rate 500] [--skip latency]

Writes benchmarks/results/<date>.json and latest.json, and prints a short table. Baselines and naba
run interleaved (the order rotates every round) on the same messages, each on a fresh embedded broker;
the table gives medians over rounds and the ratio of medians. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
from datetime import UTC, datetime
from pathlib import Path

import orjson

from benchmarks import e2e, machine, offline
from pipeline.enrich import Resources
from pipeline.stages import Limits, clean_stage, enrich_stage

RESULTS = Path(__file__).resolve().parent / "results"
PARTS = ("offline", "e2e", "latency")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=20_000, help="articles per end-to-end run")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of the three contestants")
    parser.add_argument("--workers", type=int, default=1, help="naba worker processes sharing the partitions")
    parser.add_argument("--rate", type=float, default=500.0, help="offered articles/s for the latency run")
    parser.add_argument("--latency-seconds", type=float, default=10.0, help="length of the offered load")
    parser.add_argument("--offline-seconds", type=float, default=0.5, help="time per offline timing round")
    parser.add_argument(
        "--contestants",
        default="aiokafka,faust,naba",
        help="comma-separated end-to-end contestants (default: aiokafka,faust,naba)",
    )
    parser.add_argument("--skip", action="append", choices=PARTS, default=[], help="leave a part out")
    parser.add_argument("--output", type=Path, default=RESULTS, help="folder for the JSON results")
    args = parser.parse_args(argv)

    result: dict[str, object] = {"machine": machine.facts(), "args": _jsonable(vars(args))}
    if "offline" not in args.skip:
        print("offline: clean + extract + topics, one core ...", file=sys.stderr)
        result["offline"] = offline.run(min_seconds=args.offline_seconds)
    if "e2e" not in args.skip:
        names = [name.strip() for name in args.contestants.split(",") if name.strip()]
        unknown = [name for name in names if name not in e2e.CONTESTANTS]
        if unknown or not names:
            parser.error(f"--contestants: choose among {', '.join(e2e.CONTESTANTS)}")
        contestants = [e2e.CONTESTANTS[name] for name in names]
        result["e2e"] = asyncio.run(_e2e(contestants, args.articles, args.rounds, args.workers))
    if "latency" not in args.skip:
        count = max(1, int(args.rate * args.latency_seconds))
        print(f"latency: {count} articles offered at {args.rate:g}/s ...", file=sys.stderr)
        result["latency"] = asyncio.run(e2e.latency(e2e.messages_for(count), args.rate, args.workers))
    result["machine_load_average_at_end"] = machine.load_average()  # type: ignore[index]

    args.output.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    data = orjson.dumps(result, option=orjson.OPT_INDENT_2 | orjson.OPT_SERIALIZE_NUMPY)
    for name in (f"{stamp}.json", "latest.json"):
        (args.output / name).write_bytes(data + b"\n")
    print(table(result))
    print(f"\nresults: {args.output / (stamp + '.json')}", file=sys.stderr)
    return 0


def messages_per_article() -> int:
    """Messages naba produces per seed article: one on news.clean plus what enrich emits."""
    key, raw = e2e.messages_for(1)[0]
    (cleaned,) = clean_stage(key, raw, Limits(max_article_bytes=2_000_000))
    return 1 + len(enrich_stage(cleaned.key, cleaned.value, Resources.load(e2e.PROJECT / "config")))


async def _e2e(order: list[e2e.Contestant], articles: int, rounds: int, workers: int) -> dict[str, object]:
    messages = e2e.messages_for(articles)
    runs: list[dict[str, object]] = []
    for number in range(rounds):
        shift = number % len(order)  # rotate: no contestant always runs first (or last)
        for contestant in order[shift:] + order[:shift]:
            count = workers if contestant is e2e.NABA else 1
            print(
                f"e2e round {number + 1}/{rounds}: {contestant.name} x{count}, {articles} articles ...",
                file=sys.stderr,
            )
            run = await e2e.throughput(contestant, messages, workers=count)
            run["round"] = number + 1
            runs.append(run)
            print(f"  {run['articles_per_s']:.0f} articles/s", file=sys.stderr)
    return {
        "articles": articles,
        "rounds": rounds,
        "workers": workers,
        "messages_per_article": {"naba": messages_per_article(), "aiokafka": 1, "faust": 1},
        "runs": runs,
        "summary": summarize(runs),
    }


def summarize(runs: list[dict[str, object]]) -> dict[str, object]:
    by: dict[str, list[dict[str, object]]] = {}
    for run in runs:
        by.setdefault(str(run["contestant"]), []).append(run)
    summary: dict[str, object] = {}
    for name, group in by.items():
        rates = [float(r["articles_per_s"]) for r in group]  # type: ignore[arg-type]
        cpu = [float(r["cpu_ms_per_article"]) for r in group]  # type: ignore[arg-type]
        rss = [max(r["peak_rss_mb"]) for r in group]  # type: ignore[type-var]
        median = statistics.median(rates)
        summary[name] = {
            "articles_per_s_median": median,
            "articles_per_s_all": rates,
            "spread": (max(rates) - min(rates)) / median if median else 0.0,
            "cpu_ms_per_article_median": statistics.median(cpu),
            "peak_rss_mb_max": max(rss),
        }
    if {"naba", "faust", "aiokafka"} <= by.keys():
        naba = summary["naba"]["articles_per_s_median"]  # type: ignore[index]
        # Per round too: the machine is shared, so a ratio within one round is the fairer comparison.
        per_round: dict[str, list[float]] = {"faust": [], "aiokafka": []}
        rounds = {int(r["round"]) for r in runs}  # type: ignore[call-overload]
        for number in sorted(rounds):
            rate = {str(r["contestant"]): float(r["articles_per_s"]) for r in runs if r["round"] == number}  # type: ignore[arg-type]
            for base in per_round:
                per_round[base].append(rate["naba"] / rate[base])
        summary["ratios"] = {
            f"naba_vs_{base}": naba / summary[base]["articles_per_s_median"]  # type: ignore[index]
            for base in per_round
        } | {f"naba_vs_{base}_per_round": values for base, values in per_round.items()}
    return summary


def table(result: dict[str, object]) -> str:
    lines: list[str] = []
    facts = result["machine"]
    lines.append(
        f"machine: {facts['cpu']}, {facts['cores']} cores, Python {facts['python']}, "  # type: ignore[index]
        f"{facts['date']}, git {facts['git']}"
    )  # type: ignore[index]
    if "offline" in result:
        lines.append("\noffline (one core)   articles/s   ms/article   outputs/article")
        for name, row in result["offline"].items():  # type: ignore[attr-defined]
            lines.append(
                f"  {name:<18} {row['articles_per_s_per_core']:>10.0f} {row['ms_per_article']:>12.2f}"
                f" {row['outputs_per_article']:>17}"
            )
    if "e2e" in result:
        e = result["e2e"]
        s = e["summary"]  # type: ignore[index]
        per = e["messages_per_article"]  # type: ignore[index]
        lines.append(
            f"\nend to end, {e['articles']} seed articles, median of {e['rounds']} rounds, "  # type: ignore[index]
            f"naba with {e['workers']} worker(s)"
        )  # type: ignore[index]
        lines.append("  contestant    articles/s   messages/s   spread   CPU ms/article   peak RSS MB")
        for name in ("aiokafka", "faust", "naba"):
            if name in s:
                row = s[name]
                rate = row["articles_per_s_median"]
                lines.append(
                    f"  {name:<12} {rate:>11.0f} {rate * per[name]:>12.0f} {row['spread']:>8.0%}"
                    f" {row['cpu_ms_per_article_median']:>16.2f} {row['peak_rss_mb_max']:>13.0f}"
                )
        if "ratios" in s:
            r = s["ratios"]
            lines.append(
                f"  naba articles/s ÷ passthrough messages/s: {r['naba_vs_faust']:.2f}× bare Faust, "
                f"{r['naba_vs_aiokafka']:.2f}× raw aiokafka (per round: "
                f"{', '.join(f'{x:.2f}' for x in r['naba_vs_faust_per_round'])} / "
                f"{', '.join(f'{x:.2f}' for x in r['naba_vs_aiokafka_per_round'])})"
            )
    if "latency" in result:
        lat = result["latency"]
        lines.append(
            f"\nlatency raw -> enriched at {lat['rate']:g} articles/s offered "  # type: ignore[index]
            f"({lat['delivered']}/{lat['offered']} delivered, "  # type: ignore[index]
            f"{lat['achieved_articles_per_s']:.0f}/s achieved): p50 {lat['p50_ms']:.0f} ms, "  # type: ignore[index]
            f"p99 {lat['p99_ms']:.0f} ms, max {lat['max_ms']:.0f} ms; "  # type: ignore[index]
            f"worker peak RSS {max(lat['peak_rss_mb']):.0f} MB"
        )  # type: ignore[index]
    return "\n".join(lines)


def _jsonable(values: dict[str, object]) -> dict[str, object]:
    return {k: str(v) if isinstance(v, Path) else v for k, v in values.items()}


if __name__ == "__main__":
    raise SystemExit(main())
