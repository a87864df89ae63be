#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The benchmark's plot: throughput and p99 latency against offered load,
citizengw and Kannel, from the open-loop sweep of one bench/run (its
summary.json, written by bench/report.py), as DIR/plot.svg. Plain SVG
written here, no plotting library; both axes logarithmic, since the
offered loads double.

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
        s = [f'<rect x="{self.x0}" y="{self.y0}" width="{PANEL_W}" height="{PANEL_H}" '
             'fill="none" stroke="#444"/>',
             f'<text x="{self.x0 + PANEL_W / 2}" y="{self.y0 - 14}" '
             f'text-anchor="middle" font-size="15" font-weight="bold">{esc(self.title)}</text>',
             f'<text x="{self.x0 + PANEL_W / 2}" y="{self.y0 + PANEL_H + 42}" '
             'text-anchor="middle" font-size="13">offered load (MO/s)</text>',
             f'<text transform="translate({self.x0 - 58},{self.y0 + PANEL_H / 2}) '
             f'rotate(-90)" text-anchor="middle" font-size="13">{esc(self.ylabel)}</text>']
        for v in xticks:
            x = self.px(v)
            s.append(f'<line x1="{x:.1f}" y1="{self.y0}" x2="{x:.1f}" '
                     f'y2="{self.y0 + PANEL_H}" stroke="#ddd"/>')
            s.append(f'<text x="{x:.1f}" y="{self.y0 + PANEL_H + 18}" '
                     f'text-anchor="middle" font-size="11">{label(v)}</text>')
        for v in decades(self.ylo, self.yhi):
            y = self.py(v)
            s.append(f'<line x1="{self.x0}" y1="{y:.1f}" x2="{self.x0 + PANEL_W}" '
                     f'y2="{y:.1f}" stroke="#ddd"/>')
            s.append(f'<text x="{self.x0 - 6}" y="{y + 4:.1f}" text-anchor="end" '
                     f'font-size="11">{label(v)}</text>')
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
    ly = H - 40
    lx = LEFT
    for key, name, colour in SERIES + (("", "offered (ideal) / 5 ms target", "#888"),):
        dash = ' stroke-dasharray="4,4"' if not key else ""
        out.append(f'<line x1="{lx}" y1="{ly}" x2="{lx + 30}" y2="{ly}" '
                   f'stroke="{colour}" stroke-width="2"{dash}/>')
        out.append(f'<text x="{lx + 36}" y="{ly + 4}" font-size="13">{esc(name)}</text>')
        lx += 60 + 8 * len(name)
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


if __name__ == "__main__":
    main()
