#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The benchmark's report: reads the JSON of one bench/run (cgw-loadgen's
per run, meta.json and broadcast.json from bench/run) in DIR and writes
DIR/summary.md (tables, the issue's targets met or missed with the
figure, citizengw against Kannel as a ratio) and DIR/summary.json (the
same figures for a program).

    bench/report.py DIR

Run names are bench/run's: echo, closed-cgw, closed-cgw-sms,
closed-cgw-failed, closed-kannel, sweep-{cgw,kannel}-RATE, memory, tps-CAP, broadcast,
scale-*. A run that is missing leaves its rows "not measured"."""

import json
import os
import sys

# the processes that are not the gateway under test in a run's "procs"
NOT_GATEWAY = ("loadgen", "redis")


def load(d):
    """Every run's JSON in d by its label, and meta.json."""
    runs, meta = {}, {}
    for f in sorted(os.listdir(d)):
        if not f.endswith(".json") or f == "summary.json":
            continue
        with open(os.path.join(d, f)) as fh:
            j = json.load(fh)
        if f == "meta.json":
            meta = j
        else:
            runs[j.get("label", f[:-5])] = j
    return runs, meta


def key_kinds(d, name="memory-keys.txt"):
    """memory-keys.txt or closed-keys.txt (bench_key_kinds): [(kind, keys,
    bytes)], [] without."""
    try:
        with open(os.path.join(d, name)) as fh:
            return [(k, int(n), int(b)) for k, n, b in
                    (line.split() for line in fh if line.strip())]
    except (OSError, ValueError):
        return []


def gateway_us(run):
    """CPU µs per MO of the gateway's processes (every daemon, or bearerbox
    and smsbox), None when none was watched."""
    procs = (run or {}).get("procs") or {}
    vals = [p.get("cpu_us_per_mo") for n, p in procs.items()
            if n not in NOT_GATEWAY]
    vals = [v for v in vals if v is not None]
    return sum(vals) if vals else None


def gateway_rss_kb(run):
    procs = (run or {}).get("procs") or {}
    vals = [p.get("rss_peak_kb") for n, p in procs.items()
            if n not in NOT_GATEWAY and p.get("rss_peak_kb") is not None]
    return sum(vals) if vals else None


def get(run, *path):
    """run[path[0]][path[1]]..., None where any is missing."""
    for k in path:
        if not isinstance(run, dict):
            return None
        run = run.get(k)
    return run


def fmt(v, digits=1):
    if v is None:
        return "–"
    if isinstance(v, float):
        if abs(v) >= 1000:
            return f"{v:,.0f}"
        return f"{v:.{digits}f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def rates(runs, system):
    """The sweep's offered rates run for system, ascending."""
    pre = f"sweep-{system}-"
    return sorted(int(k[len(pre):]) for k in runs if k.startswith(pre))


def run_row(label, r):
    lat = r.get("latency_ms") or {}
    red = r.get("redis") or {}
    load_ = r.get("window") if r.get("mode") != "open" else r.get("rate")
    return [label, r.get("mode"), fmt(load_), fmt(r.get("throughput_mo_per_s")),
            fmt(lat.get("p50"), 2), fmt(lat.get("p99"), 2), fmt(lat.get("p999"), 2),
            fmt(gateway_us(r)), fmt(red.get("cpu_us_per_mo")),
            fmt(red.get("commands_per_mo"), 2), fmt(red.get("round_trips_per_mo"), 2),
            fmt(red.get("eval_per_mo"), 2), fmt(red.get("bytes_per_mo"), 0),
            fmt(r.get("unanswered")), fmt(r.get("duplicates"))]


def natural(label):
    """A sort key that puts scale-citizens-10000 after scale-citizens-1000
    and before scale-citizens-100000."""
    head, _, tail = label.rpartition("-")
    return (head, int(tail)) if tail.isdigit() else (label, 0)


def section(title, text):
    return ["", f"## {title}", "", text]


def percentiles(lat):
    """p50/p99/p99.9 of a run's latency_ms, in one cell."""
    return "/".join(fmt((lat or {}).get(p), 2) for p in ("p50", "p99", "p999"))


def table(head, rows):
    out = ["| " + " | ".join(head) + " |",
           "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return out


def targets(runs, meta, kinds=(), sms_kinds=()):
    """The issue's targets: (what, figure, unit, met, note) each; met is
    None when not measured. kinds: key_kinds() of the memory part, for a
    note; sms_kinds: of the SMS lookups' closed loop, for the records."""
    quick = meta.get("quick", False)
    closed = runs.get("closed-cgw")
    sms = runs.get("closed-cgw-sms")
    t = []

    def add(what, value, unit, ok, note=""):
        t.append({"target": what, "value": value, "unit": unit,
                  "met": None if value is None else bool(ok(value)),
                  "note": note})

    dur = get(closed, "duration_s")
    short = f"{dur:.0f} s run, not 60 s" if dur and dur < 59 else ""
    add("≥ 25,000 MO→MT/s sustained 60 s, sessions in Redis",
        get(closed, "throughput_mo_per_s"), "MO/s", lambda v: v >= 25000 and not short,
        short)
    add("daemon CPU ≤ 20 µs/MO", gateway_us(closed), "µs/MO", lambda v: v <= 20,
        "closed loop, sessions in Redis")
    add("Redis CPU ≤ 25 µs/MO", get(closed, "redis", "cpu_us_per_mo"), "µs/MO",
        lambda v: v <= 25, "closed loop, sessions in Redis")
    add("≤ 2 Redis round trips per MO", get(closed, "redis", "round_trips_per_mo"),
        "per MO", lambda v: v <= 2, "pipelined across MOs")
    add("no full EVAL in steady state", get(closed, "redis", "eval_per_mo"),
        "EVAL/MO", lambda v: v == 0)
    s1000 = runs.get("sweep-cgw-1000")
    add("p99 MO→MT < 5 ms at 1,000 msg/s", get(s1000, "latency_ms", "p99"), "ms",
        lambda v: v < 5, "open loop, SMS lookups")
    mem = runs.get("memory")
    n = get(mem, "sessions_open")
    rss = gateway_rss_kb(mem)
    add("daemon RSS < 32 MB with 100,000 live sessions",
        None if rss is None else rss / 1024, "MB",
        lambda v: v < 32 and (n or 0) >= 100000,
        "" if n is None or n >= 100000 else f"{n:,} sessions open, not 100,000")
    sess = [b for k, n, b in kinds if k.endswith(":sess:<id>")]
    fps = [b for k, n, b in kinds if k.endswith(":fp:<id>")]
    add("Redis ≤ 256 bytes per live session", get(mem, "redis", "bytes_per_session"),
        "bytes", lambda v: v <= 256,
        f"all Redis grew by; the session's record alone {sess[0]} bytes"
        + (f", fingerprints {fps[0]} bytes each" if fps else "")
        + ", the rest Redis's tables (the key, its expiry)" if sess else "")
    # a record as MEMORY USAGE sizes it (the SMS lookups' MOs and their
    # sent MTs); beside it, all that Redis grows by per SMS lookup, its
    # fingerprint and receipt mapping included
    rec = {k.split(":")[-2]: b for k, n, b in sms_kinds
           if k.endswith((":mo:<id>", ":mt:<id>"))}
    per_mo = get(sms, "redis", "bytes_per_mo")
    add("Redis ≤ 300 bytes per retained message record",
        max(rec.values()) if rec else None, "bytes", lambda v: v <= 300,
        (f"MO record {rec.get('mo', '–')}, sent MT record {rec.get('mt', '–')} "
         "bytes (MEMORY USAGE); " if rec else "") +
        (f"all that Redis grows by per SMS lookup, its fingerprint and receipt "
         f"mapping included: {per_mo:,.0f} bytes" if per_mo is not None else ""))
    cap = meta.get("tps_cap", 500)
    tps = runs.get(f"tps-{cap}")
    mean = get(tps, "submits_per_s", "mean")
    add(f"TPS-capped bind within 1% of its cap ({cap}/s)",
        None if mean is None else 100.0 * (mean - cap) / cap, "% off",
        lambda v: abs(v) <= 1,
        "" if mean is None else
        f"mean {mean:.1f}/s, busiest 1 s {get(tps, 'submits_per_s', 'max_1s'):.0f}")
    b = runs.get("broadcast")
    nb = get(b, "recipients")
    add("1,000,000-recipient broadcast accepted < 60 s", get(b, "accept_s"), "s",
        lambda v: v < 60 and (nb or 0) >= 1000000 and get(b, "accepted") == nb,
        "" if b is None else f"{nb:,} recipients, {fmt(get(b, 'accepted'))} accepted")
    echo = get(runs.get("echo"), "throughput_mo_per_s")
    cg = get(sms, "throughput_mo_per_s")
    add("≥ 0.8 of the generator's own ceiling (instant-echo ESME)",
        None if echo is None or cg is None else cg / echo, "×", lambda v: v >= 0.8,
        "closed loop, SMS lookups")
    kn = get(runs.get("closed-kannel"), "throughput_mo_per_s")
    add("≥ 1.8× Kannel on the same generator",
        None if kn is None or cg is None else cg / kn, "×", lambda v: v >= 1.8,
        "closed loop, window 100, SMS lookups")
    if quick:
        for x in t:
            x["note"] = (x["note"] + "; " if x["note"] else "") + "quick run"
    return t


def sweep(runs):
    rows = []
    for r in sorted(set(rates(runs, "cgw")) | set(rates(runs, "kannel"))):
        c, k = runs.get(f"sweep-cgw-{r}"), runs.get(f"sweep-kannel-{r}")
        tc, tk = get(c, "throughput_mo_per_s"), get(k, "throughput_mo_per_s")
        rows.append({"offered": r,
                     "cgw": {"throughput": tc, "latency_ms": get(c, "latency_ms"),
                             "cpu_us_per_mo": gateway_us(c)},
                     "kannel": {"throughput": tk, "latency_ms": get(k, "latency_ms"),
                                "cpu_us_per_mo": gateway_us(k)},
                     "ratio": tc / tk if tc and tk else None})
    return rows


def markdown(runs, meta, tg, sw, kinds):
    m = [f"# Benchmark {meta.get('stamp', '')}", "",
         f"{meta.get('cpu', '?')}, {meta.get('cores', '?')} cores, Linux "
         f"{meta.get('kernel', '?')}, Redis {meta.get('redis', '?')}, Kannel "
         f"{meta.get('kannel_version') or 'not installed'}; citizengw "
         f"{meta.get('git', '?')}; load average at the start "
         f"{meta.get('load_at_start', '?')}."
         + (" **Quick run**: short durations, a small sweep." if meta.get("quick") else ""),
         "Daemon, Redis, Kannel and the generator share the machine; figures taken "
         "while anything else runs on it are noisy.", "",
         "## Targets (issue 13)", ""]
    rows = []
    for x in tg:
        met = {None: "not measured", True: "met", False: "**missed**"}[x["met"]]
        rows.append([x["target"], f"{fmt(x['value'], 2)} {x['unit']}", met, x["note"]])
    m += table(["target", "figure", "", "note"], rows)
    m += ["", "## citizengw and Kannel, open loop (SMS lookups)", ""]
    rows = []
    for s in sw:
        rows.append([fmt(s["offered"]), fmt(s["cgw"]["throughput"]),
                     percentiles(s["cgw"]["latency_ms"]),
                     fmt(s["cgw"]["cpu_us_per_mo"]), fmt(s["kannel"]["throughput"]),
                     percentiles(s["kannel"]["latency_ms"]),
                     fmt(s["kannel"]["cpu_us_per_mo"]), fmt(s["ratio"], 2)])
    m += table(["offered MO/s", "citizengw MO→MT/s", "p50/p99/p99.9 ms", "µs/MO",
                "Kannel MO→MT/s", "p50/p99/p99.9 ms", "µs/MO", "ratio"], rows)
    cs, ck = runs.get("closed-cgw-sms"), runs.get("closed-kannel")
    if cs and ck:
        tc, tk = cs["throughput_mo_per_s"], ck["throughput_mo_per_s"]
        m += ["", f"Closed loop, window 100, SMS lookups: citizengw {fmt(tc)} MO→MT/s, "
              f"Kannel {fmt(tk)} MO→MT/s, ratio {tc / tk:.2f}; CPU per MO "
              f"{fmt(gateway_us(cs))} µs (+ Redis {fmt(get(cs, 'redis', 'cpu_us_per_mo'))})"
              f" against {fmt(gateway_us(ck))} µs (bearerbox + smsbox)."]
    cf = runs.get("closed-cgw-failed")
    if cf:
        m += ["", f"Closed loop, window 100, SMS lookups of a dossier none of the "
              f"citizens owns (each refused, counted towards a lock-out): citizengw "
              f"{fmt(cf['throughput_mo_per_s'])} MO→MT/s, CPU per MO "
              f"{fmt(gateway_us(cf))} µs (+ Redis {fmt(get(cf, 'redis', 'cpu_us_per_mo'))})."]
    mem = runs.get("memory")
    if mem:
        m += section("Memory",
              f"{fmt(mem.get('sessions_open'))} USSD sessions left open: daemon RSS "
              f"{fmt((gateway_rss_kb(mem) or 0) / 1024)} MB at its peak, Redis "
              f"{fmt(get(mem, 'redis', 'bytes_per_session'), 0)} bytes per session.")
        if kinds:
            m += ["", "What Redis holds then, by kind of key (MEMORY USAGE, "
                  "averaged over the keys sampled):", ""]
            m += table(["kind", "keys sampled", "bytes each"],
                       [[k, fmt(n), fmt(b)] for k, n, b in kinds])
    b = runs.get("broadcast")
    if b:
        m += section("Broadcast",
              f"{fmt(b.get('recipients'))} recipients (CSV through citizengw-ctl and "
              f"the staff API, scheduled for the next day): accepted "
              f"{fmt(b.get('accepted'))} in {fmt(b.get('accept_s'), 2)} s; Redis used "
              f"memory then {fmt(b.get('redis_used_memory'))} bytes.")
    sc = sorted((k for k in runs if k.startswith("scale-")), key=natural)
    if sc:
        m += ["", "## Scaling (closed loop, window 100)", ""]
        m += table(["run", "MO→MT/s", "p99 ms", "daemon µs/MO", "Redis µs/MO",
                    "commands/MO", "bytes/MO"],
                   [[k, fmt(get(runs[k], "throughput_mo_per_s")),
                     fmt(get(runs[k], "latency_ms", "p99"), 2), fmt(gateway_us(runs[k])),
                     fmt(get(runs[k], "redis", "cpu_us_per_mo")),
                     fmt(get(runs[k], "redis", "commands_per_mo"), 2),
                     fmt(get(runs[k], "redis", "bytes_per_mo"), 0)] for k in sc])
    m += ["", "## Every run", ""]
    m += table(["run", "mode", "window/rate", "MO→MT/s", "p50 ms", "p99 ms",
                "p99.9 ms", "gateway µs/MO", "Redis µs/MO", "commands/MO",
                "round trips/MO", "EVAL/MO", "Redis bytes/MO", "unanswered",
                "duplicates"],
               [run_row(k, runs[k]) for k in sorted(runs) if "mode" in runs[k]])
    m += ["", "Per-run JSON (cgw-loadgen's, bench/README.md), the configurations used "
          "and plot.svg are in this directory."]
    return "\n".join(m) + "\n"


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: bench/report.py DIR")
    d = sys.argv[1]
    runs, meta = load(d)
    kinds = key_kinds(d)
    tg, sw = targets(runs, meta, kinds, key_kinds(d, "closed-keys.txt")), sweep(runs)
    with open(os.path.join(d, "summary.md"), "w") as fh:
        fh.write(markdown(runs, meta, tg, sw, kinds))
    with open(os.path.join(d, "summary.json"), "w") as fh:
        json.dump({"meta": meta, "targets": tg, "sweep": sw, "runs": runs,
                   "key_kinds": [{"kind": k, "keys": n, "bytes": b}
                                 for k, n, b in kinds]}, fh,
                  indent=1, ensure_ascii=False)
        fh.write("\n")


if __name__ == "__main__":
    main()
