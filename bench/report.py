"""Markdown tables of load results (one table per run; with several runs, p95 side by side)."""

from __future__ import annotations

READ_P95_MS, WRITE_P95_MS, MIN_THROUGHPUT_RATIO = 50, 80, 0.4


def _title(result: dict) -> str:
    data = result["dataset"]
    return (
        f"{result['label']} · {result['database']} · {data.get('bookings', 0):,} bookings, "
        f"{data.get('organizations', 0):,} organizations · {result['when']}"
    )


def run_table(result: dict) -> str:
    mix = result["mix"]
    lines = [
        f"### {_title(result)}",
        "",
        f"{result['clients']} clients, {result['gunicorn_workers']} gunicorn workers, jobs {result['jobs']}; "
        f"{mix['requests']:,} requests in {mix['seconds']} s; load average before/after "
        f"{result['load_average']['before'][0]} / {result['load_average']['after'][0]}.",
        "",
        "| endpoint | kind | requests | errors | p50 ms | p95 ms | p99 ms | req/s | p50 / floor | p95 / floor |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in mix["rows"]:
        lines.append(
            f"| {row['endpoint']} | {row['kind']} | {row['requests']} | {row['errors']} | {row['p50_ms']} | "
            f"{row['p95_ms']} | {row['p99_ms']} | {row['throughput_rps']} | {row['p50_vs_floor']} | "
            f"{row['p95_vs_floor']} |"
        )
    before, after = result["floor_before"]["floor"], result["floor_after"]["floor"]
    lines += [
        "",
        f"Floor alone (GET /ping, 8 clients): {before['throughput_rps']} req/s before, "
        f"{after['throughput_rps']} after (p95 {before['p95_ms']} / {after['p95_ms']} ms); "
        f"drift {result['floor_drift']:.0%}{' — disturbed, repeat' if result['disturbed'] else ''}. "
        f"Mix throughput (pings excluded) {mix['throughput_rps']} req/s = "
        f"**{result['mix_vs_floor_throughput']:.0%} of the floor's**.",
        *_cpu(result),
        "",
        targets(result),
    ]
    return "\n".join(lines)


def _cpu(result: dict) -> list[str]:
    cpu = result.get("server_cpu_ms_per_request")
    if not cpu:
        return []
    return [
        f"Server CPU (gunicorn, the RQ worker if any, their PostgreSQL backends) per request: "
        f"floor {cpu['floor']} ms, mix {cpu['mix']} ms: on a machine of its own the mix would reach "
        f"**{cpu['floor'] / cpu['mix']:.0%} of the floor's throughput**."
    ]


def targets(result: dict) -> str:
    misses = [
        f"{r['endpoint']} p95 {r['p95_ms']} ms"
        for r in result["mix"]["rows"]
        if (r["kind"] == "read" and r["p95_ms"] > READ_P95_MS) or (r["kind"] == "write" and r["p95_ms"] > WRITE_P95_MS)
    ]
    errors = [f"{r['endpoint']} {r['statuses']}" for r in result["mix"]["rows"] if r["errors"]]
    ratio = result["mix_vs_floor_throughput"]
    text = [
        f"Targets (p95 ≤ {READ_P95_MS} ms reads, ≤ {WRITE_P95_MS} ms writes): "
        + ("all met." if not misses else "missed by " + "; ".join(misses) + "."),
        f"Throughput ≥ {MIN_THROUGHPUT_RATIO:.0%} of the floor: "
        f"{'met' if ratio >= MIN_THROUGHPUT_RATIO else 'missed'}.",
    ]
    if errors:
        text.append("Unexpected statuses: " + "; ".join(errors) + ".")
    return " ".join(text)


def comparison(results: list[dict]) -> str:
    names = [row["endpoint"] for row in results[0]["mix"]["rows"]]
    header = "| endpoint | " + " | ".join(f"p95 ms ({r['label']})" for r in results) + " | last / first |"
    lines = [header, "| --- |" + " ---: |" * (len(results) + 1)]
    for name in names:
        values = [next((row["p95_ms"] for row in r["mix"]["rows"] if row["endpoint"] == name), None) for r in results]
        if None in values:
            continue
        ratio = f"{values[-1] / values[0]:.2f}" if values[0] else "—"
        lines.append(f"| {name} | " + " | ".join(str(v) for v in values) + f" | {ratio} |")
    return "\n".join(lines)


def markdown(results: list[dict]) -> str:
    parts = [run_table(r) for r in results]
    if len(results) > 1:
        parts.append(comparison(results))
    return "\n\n".join(parts)
