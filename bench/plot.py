#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The benchmark's plots: throughput and p99 latency against offered load,
citizengw and Kannel, from the open-loop sweep of one bench/run (its
summary.json, written by bench/report.py), as DIR/plot.svg, both axes
logarithmic, since the offered loads double; and the headline closed
loop second by second (DIR/closed-cgw.json's Redis series), as
DIR/loop.svg. Plain SVG written here, no plotting library.

    bench/plot.py DIR"""

import json
import math
import os
import sys

W, H = 900, 600
PANEL_W, PANEL_H = 340, 420
TOP, LEFT = 80, 90
GAP = 120
SERIES = (("cgw", "citizengw", "#1f77b4"), ("kannel", "Kannel", "#d62728"))


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def decades(lo, hi):
    """Tick values 1, 2, 5 × 10^k covering [lo, hi]."""
    out = []
    for k in range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1):
        for m in (1, 2, 5):
            v = m * 10 ** k
            if lo <= v <= hi:
                out.append(v)
    return out


def label(v):
    if v >= 1000:
        return f"{v / 1000:g}k"
    return f"{v:g}"


def frame(p, xlabel):
    """A panel's box, title and axis labels (p: a Panel or LinPanel)."""
    return [f'<rect x="{p.x0}" y="{p.y0}" width="{PANEL_W}" height="{PANEL_H}" '
            'fill="none" stroke="#444"/>',
            f'<text x="{p.x0 + PANEL_W / 2}" y="{p.y0 - 14}" '
            f'text-anchor="middle" font-size="15" font-weight="bold">{esc(p.title)}</text>',
            f'<text x="{p.x0 + PANEL_W / 2}" y="{p.y0 + PANEL_H + 42}" '
            f'text-anchor="middle" font-size="13">{esc(xlabel)}</text>',
            f'<text transform="translate({p.x0 - 58},{p.y0 + PANEL_H / 2}) '
            f'rotate(-90)" text-anchor="middle" font-size="13">{esc(p.ylabel)}</text>']


def vgrid(p, x, text):
    """A vertical grid line at x (px) and its label below the panel."""
    return [f'<line x1="{x:.1f}" y1="{p.y0}" x2="{x:.1f}" y2="{p.y0 + PANEL_H}" stroke="#ddd"/>',
            f'<text x="{x:.1f}" y="{p.y0 + PANEL_H + 18}" text-anchor="middle" '
            f'font-size="11">{text}</text>']


def hgrid(p, y, text):
    """A horizontal grid line at y (px) and its label left of the panel."""
    return [f'<line x1="{p.x0}" y1="{y:.1f}" x2="{p.x0 + PANEL_W}" y2="{y:.1f}" stroke="#ddd"/>',
            f'<text x="{p.x0 - 6}" y="{y + 4:.1f}" text-anchor="end" '
            f'font-size="11">{text}</text>']


class Panel:
    """One plot: log-log axes at (x0, y0) of PANEL_W × PANEL_H."""

    def __init__(self, x0, xr, yr, title, ylabel):
        self.x0, self.y0 = x0, TOP
        self.xlo, self.xhi = xr
        self.ylo, self.yhi = yr
        self.title, self.ylabel = title, ylabel

    def px(self, v):
        f = (math.log10(v) - math.log10(self.xlo)) / \
            (math.log10(self.xhi) - math.log10(self.xlo))
        return self.x0 + f * PANEL_W

    def py(self, v):
        v = min(max(v, self.ylo), self.yhi)
        f = (math.log10(v) - math.log10(self.ylo)) / \
            (math.log10(self.yhi) - math.log10(self.ylo))
        return self.y0 + PANEL_H - f * PANEL_H

    def axes(self, xticks):
        s = frame(self, "offered load (MO/s)")
        for v in xticks:
            s += vgrid(self, self.px(v), label(v))
        for v in decades(self.ylo, self.yhi):
            s += hgrid(self, self.py(v), label(v))
        return s

    def line(self, pts, colour, dash=""):
        pts = [(x, y) for x, y in pts if x and y and y > 0]
        if not pts:
            return []
        d = " ".join(f"{self.px(x):.1f},{self.py(y):.1f}" for x, y in pts)
        s = [f'<polyline points="{d}" fill="none" stroke="{colour}" stroke-width="2"'
             + (f' stroke-dasharray="{dash}"' if dash else "") + "/>"]
        if not dash:
            s += [f'<circle cx="{self.px(x):.1f}" cy="{self.py(y):.1f}" r="3.5" '
                  f'fill="{colour}"/>' for x, y in pts]
        return s


def legend(items):
    """The legend under the panels: (name, colour, dash) each."""
    out, ly, lx = [], H - 40, LEFT
    for name, colour, dash in items:
        d = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<line x1="{lx}" y1="{ly}" x2="{lx + 30}" y2="{ly}" '
                   f'stroke="{colour}" stroke-width="2"{d}/>')
        out.append(f'<text x="{lx + 36}" y="{ly + 4}" font-size="13">{esc(name)}</text>')
        lx += 60 + 8 * len(name)
    return out


def bounds(vals, pad=1.5):
    vals = [v for v in vals if v and v > 0]
    if not vals:
        return 1, 10
    return min(vals) / pad, max(vals) * pad


def svg(summary):
    sweep = summary.get("sweep") or []
    meta = summary.get("meta") or {}
    xs = [s["offered"] for s in sweep]
    xr = bounds(xs, 1.3)
    thr = [s[k]["throughput"] for s in sweep for k, _, _ in SERIES] + xs
    p99 = [(s[k]["latency_ms"] or {}).get("p99") for s in sweep for k, _, _ in SERIES]
    tp = Panel(LEFT, xr, bounds(thr), "Throughput", "MO→MT per second")
    lp = Panel(LEFT + PANEL_W + GAP, xr, bounds(p99 + [5]), "p99 latency",
               "p99 MO→MT (ms)")
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
           f'viewBox="0 0 {W} {H}" font-family="sans-serif">',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<text x="{W / 2}" y="28" text-anchor="middle" font-size="17">'
           f'citizengw and Kannel on cgw-loadgen, open loop, SMS lookups '
           f'({esc(meta.get("stamp", ""))}{", quick" if meta.get("quick") else ""})'
           '</text>']
    out += tp.axes(xs) + lp.axes(xs)
    # what an ideal gateway answers: everything offered
    out += tp.line([(xr[0], xr[0]), (xr[1], xr[1])], "#888", "4,4")
    # the p99 target at 1,000 msg/s
    out += lp.line([(xr[0], 5), (xr[1], 5)], "#888", "4,4")
    out.append(f'<text x="{lp.x0 + PANEL_W - 4}" y="{lp.py(5) - 5:.1f}" '
               'text-anchor="end" font-size="11" fill="#666">5 ms</text>')
    for key, _, colour in SERIES:
        out += tp.line([(s["offered"], s[key]["throughput"]) for s in sweep], colour)
        out += lp.line([(s["offered"], (s[key]["latency_ms"] or {}).get("p99"))
                        for s in sweep], colour)
    out += legend([(name, colour, "") for _, name, colour in SERIES] +
                  [("offered (ideal) / 5 ms target", "#888", "4,4")])
    out.append("</svg>")
    return "\n".join(out) + "\n"


class LinPanel:
    """One plot with linear axes: time (s) across, a figure up."""

    def __init__(self, x0, xhi, yhi, title, ylabel):
        self.x0, self.y0 = x0, TOP
        self.xhi, self.yhi = xhi, yhi
        self.title, self.ylabel = title, ylabel

    def px(self, v):
        return self.x0 + v / self.xhi * PANEL_W

    def py(self, v):
        return self.y0 + PANEL_H - min(max(v, 0), self.yhi) / self.yhi * PANEL_H

    def axes(self, xstep, ystep, yfmt):
        s = frame(self, "seconds into the run")
        x = 0
        while x <= self.xhi:
            s += vgrid(self, self.px(x), f"{x:g}")
            x += xstep
        y = 0
        while y <= self.yhi:
            s += hgrid(self, self.py(y), yfmt(y))
            y += ystep
        return s

    def line(self, pts, colour, width=2):
        pts = [(x, y) for x, y in pts if y is not None]
        if not pts:
            return []
        d = " ".join(f"{self.px(x):.1f},{self.py(y):.1f}" for x, y in pts)
        return [f'<polyline points="{d}" fill="none" stroke="{colour}" '
                f'stroke-width="{width}"/>']

    def vline(self, x, colour, text):
        # its label right of the line, or left of it near the panel's end
        right = self.px(x) < self.x0 + 0.8 * PANEL_W
        tx = self.px(x) + (3 if right else -3)
        return [f'<line x1="{self.px(x):.1f}" y1="{self.y0}" x2="{self.px(x):.1f}" '
                f'y2="{self.y0 + PANEL_H}" stroke="{colour}" stroke-dasharray="4,4"/>',
                f'<text x="{tx:.1f}" y="{self.y0 + 14}" font-size="11" '
                f'text-anchor="{"start" if right else "end"}" '
                f'fill="{colour}">{esc(text)}</text>']


def step_of(hi, n=6):
    """A round step giving about n ticks up to hi."""
    raw = hi / n
    k = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * k >= raw:
            return m * k
    return 10 * k


def loop_svg(run, stamp):
    """The 60 s closed loop second by second (cgw-loadgen's series):
    MO→MT per second, and Redis's CPU per MO with its keys, the times its
    keyspace's tables doubled (2^20, 2^21, 2^22 keys) marked."""
    ser = run["redis"]["series"]
    ts = [p["t_s"] for p in ser]
    xhi = max(ts)
    thr = [p["mo_per_s"] for p in ser]
    cpu = [p["redis_cpu_us_per_mo"] for p in ser]
    keys = [p["redis_keys"] / 1e6 for p in ser]
    tp = LinPanel(LEFT, xhi, max(thr) * 1.15, "MO→MT per second",
                  "MO→MT in each second")
    cp = LinPanel(LEFT + PANEL_W + GAP, xhi,
                  max([c for c in cpu if c] + [max(keys) * 10, 30]) * 1.15,
                  "Redis per MO, and its keys", "µs of Redis CPU per MO; keys (×100,000)")
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
           f'viewBox="0 0 {W} {H}" font-family="sans-serif">',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<text x="{W / 2}" y="28" text-anchor="middle" font-size="17">'
           f'{esc(run.get("label", ""))}: the closed loop second by second ({esc(stamp)})'
           '</text>']
    out += tp.axes(step_of(xhi), step_of(tp.yhi),
                   lambda v: f"{v / 1000:g}k" if v >= 1000 else f"{v:g}")
    out += cp.axes(step_of(xhi), step_of(cp.yhi), lambda v: f"{v:g}")
    out += cp.line([(0, 25), (xhi, 25)], "#888", 1)
    out.append(f'<text x="{cp.x0 + PANEL_W - 4}" y="{cp.py(25) - 5:.1f}" '
               'text-anchor="end" font-size="11" fill="#666">25 µs target</text>')
    for e in (20, 21, 22, 23):
        # passed within the run: below at one sample, at or above at the next
        cross = next((t for (_, k0), (t, k) in zip(zip(ts, keys), zip(ts[1:], keys[1:]))
                      if k0 * 1e6 < 2 ** e <= k * 1e6), None)
        if cross is not None:
            for p in (tp, cp):
                out += p.vline(cross, "#999", f"2^{e} keys")
    out += tp.line(list(zip(ts, thr)), "#1f77b4")
    out += cp.line(list(zip(ts, cpu)), "#d62728")
    out += cp.line([(t, k * 10) for t, k in zip(ts, keys)], "#2ca02c")
    out += legend([("MO→MT per second", "#1f77b4", ""),
                   ("Redis µs per MO", "#d62728", ""),
                   ("Redis keys (×100,000)", "#2ca02c", "")])
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: bench/plot.py DIR")
    d = sys.argv[1]
    with open(os.path.join(d, "summary.json")) as fh:
        summary = json.load(fh)
    with open(os.path.join(d, "plot.svg"), "w") as fh:
        fh.write(svg(summary))
    # the headline loop, second by second, when its run has the series
    loop = os.path.join(d, "closed-cgw.json")
    if os.path.exists(loop):
        with open(loop) as fh:
            run = json.load(fh)
        if len(((run.get("redis") or {}).get("series")) or []) >= 2:
            stamp = (summary.get("meta") or {}).get("stamp", "")
            with open(os.path.join(d, "loop.svg"), "w") as fh:
                fh.write(loop_svg(run, stamp))


if __name__ == "__main__":
    main()
