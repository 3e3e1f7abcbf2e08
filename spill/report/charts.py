"""Inline SVG bar charts for the HTML report: no JavaScript, no fonts or images fetched, crisp when printed.

Hand-written rather than a charting library: two kinds of horizontal bar (plain and stacked)
are a few dozen lines of SVG, and a library would bring scripts or a renderer we would then have
to strip out. Every label is escaped (``html.escape``): labels come from the case.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

ROW = 20  # px per bar
LABEL_W = 96
PAD = 8

#: Colours that survive greyscale printing (distinct lightness), with text that reads on white.
PALETTE = {"open": "#e8a33d", "confirmed": "#b33a3a", "ignored": "#8c8c8c", "false_positive": "#d9d9d9",
           "critical": "#8b1e1e", "high": "#d0542c", "medium": "#e8a33d", "low": "#9fb7c9",
           "notify": "#b33a3a", "review": "#e8a33d", "not required": "#7fa37f",
           "done": "#4f7a9a", "skipped": "#bfbfbf", "error": "#8b1e1e", "pending": "#e0e0e0"}


def stacked_bars(title: str, rows: Sequence[tuple[str, dict[str, int]]], segments: Sequence[str], *,
                 width: int = 380, legend: bool = True) -> str:
    """One horizontal bar per row, split into ``segments`` (in order), with a legend and each row's total."""
    rows = [(label, values) for label, values in rows if sum(values.values())]
    top = max((sum(v.values()) for _, v in rows), default=0)
    legend = legend and len(segments) > 1
    legend_h = ROW if legend else 0
    height = PAD * 2 + legend_h + ROW * max(len(rows), 1)
    bar_w = width - LABEL_W - 46
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" width="100%" '
           f'class="chart" aria-label="{_e(title)}"><title>{_e(title)}</title>']
    if legend:
        x = 4
        for seg in segments:
            out.append(f'<rect x="{x}" y="{PAD}" width="10" height="10" fill="{_colour(seg)}"/>'
                       f'<text x="{x + 14}" y="{PAD + 9}" class="legend">{_e(seg.replace("_", " "))}</text>')
            x += 20 + 6 * len(seg)
    if not rows:
        out.append(f'<text x="{LABEL_W}" y="{PAD + legend_h + 15}" class="label">none</text>')
    for i, (label, values) in enumerate(rows):
        y = PAD + legend_h + i * ROW
        out.append(f'<text x="{LABEL_W - 6}" y="{y + 15}" text-anchor="end" class="label">{_e(_short(label))}</text>')
        x = float(LABEL_W)
        for seg in segments:
            n = values.get(seg, 0)
            if not n:
                continue
            w = bar_w * n / top if top else 0
            out.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{max(w, 1):.1f}" height="{ROW - 6}" '
                       f'fill="{_colour(seg)}"><title>{_e(label)}: {n:,} {_e(seg.replace("_", " "))}</title></rect>')
            x += w
        out.append(f'<text x="{x + 5:.1f}" y="{y + 15}" class="value">{sum(values.values()):,}</text>')
    out.append("</svg>")
    return "".join(out)


def bars(title: str, rows: Sequence[tuple[str, int]], *, width: int = 380) -> str:
    """Plain horizontal bars, each in its label's colour (severities, outcomes, file statuses)."""
    return stacked_bars(title, [(label, {label: n}) for label, n in rows], [label for label, _ in rows],
                        width=width, legend=False)


def _colour(key: str) -> str:
    return PALETTE.get(key, "#4f7a9a")


def _short(label: str, limit: int = 16) -> str:
    return label if len(label) <= limit else label[:limit - 1] + "…"


def _e(text: str) -> str:
    return html.escape(text, quote=True)
