"""The adoption curve as a self-contained SVG (no JavaScript, no CDN) and an HTML page.

Used by ``groundswell spread --plot FILE.html`` and the web's Network page; a
table of the same numbers always goes with the picture.
"""

from __future__ import annotations

import math
from html import escape

from groundswell.spread.results import SpreadResult

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 44


def nice_ticks(top: float, count: int = 5, *, whole: bool = False) -> list[float]:
    """Round tick values from 0 to at least ``top`` (Heckbert's nice numbers, 1990).

    Shared by every chart Groundswell draws (``web.charts`` too), so axes read alike.

    >>> nice_ticks(87, 4)
    [0.0, 25.0, 50.0, 75.0, 100.0]
    >>> nice_ticks(3, 3, whole=True)
    [0, 1, 2, 3, 4]
    """
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    if whole:
        step = max(1, math.ceil(step))
    return [i * step for i in range(math.ceil(top / step + 1e-9) + 1)]


def tick_label(value: float) -> str:
    """A number as an axis or summary label: whole above 10, one decimal below.

    >>> tick_label(12345.6), tick_label(2.5), tick_label(3.0)
    ('12,346', '2.5', '3')
    """
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def curve_svg(result: SpreadResult, *, title: str = "Adoption curve") -> str:
    """An SVG line chart: mean cumulative adopters per step with the 5-95% band."""
    steps = len(result.curve_mean)
    y_ticks = nice_ticks(
        float(max(result.curve_hi.max(initial=0), result.curve_mean.max(initial=0)))
    )
    y_top = y_ticks[-1] or 1.0
    x_top = max(steps - 1, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(step: float) -> float:
        return LEFT + plot_w * step / x_top

    def y(value: float) -> float:
        return TOP + plot_h * (1 - value / y_top)

    band = [(x(i), y(v)) for i, v in enumerate(result.curve_hi)]
    band += [(x(i), y(v)) for i, v in reversed(list(enumerate(result.curve_lo)))]
    mean = [(x(i), y(v)) for i, v in enumerate(result.curve_mean)]

    def pts(ps: list[tuple[float, float]]) -> str:
        return " ".join(f"{a:.1f},{b:.1f}" for a, b in ps)

    last = result.curve_mean[-1] if steps else 0.0
    desc = (
        f"Mean cumulative adopters rise from {tick_label(result.curve_mean[0] if steps else 0)} "
        f"at step 0 to {tick_label(last)} by step {steps - 1}; the shaded band holds 90% of runs."
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" role="img" aria-labelledby="curve-title curve-desc" '
        # Presentation attributes, not style=: the web's CSP allows no inline styles.
        f'font-family="Arial, sans-serif" font-size="12" class="gs-chart">',
        f'<title id="curve-title">{escape(title)}</title>',
        f'<desc id="curve-desc">{escape(desc)}</desc>',
    ]
    for tick in y_ticks:
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="#d8dde0"/><text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" '
            f'text-anchor="end" fill="#212b32">{tick_label(tick)}</text>'
        )
    for tick in nice_ticks(float(x_top), 8, whole=True):
        if tick > x_top:
            break
        parts.append(
            f'<text x="{x(tick):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
            f'fill="#212b32">{tick_label(tick)}</text>'
        )
    parts += [
        f'<polygon points="{pts(band)}" fill="#005eb8" fill-opacity="0.18" stroke="none"/>',
        f'<polyline points="{pts(mean)}" fill="none" stroke="#005eb8" stroke-width="2.5"/>',
        f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{HEIGHT - BOTTOM}" stroke="#4c6272"/>',
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{HEIGHT - BOTTOM}" '
        f'y2="{HEIGHT - BOTTOM}" stroke="#4c6272"/>',
        f'<text x="{LEFT + plot_w / 2:.0f}" y="{HEIGHT - 8}" text-anchor="middle" '
        f'fill="#212b32">step</text>',
        f'<text transform="translate(14 {TOP + plot_h / 2:.0f}) rotate(-90)" '
        f'text-anchor="middle" fill="#212b32">people who adopted</text>',
        "</svg>",
    ]
    return "\n".join(parts)


def curve_rows(result: SpreadResult) -> list[tuple[int, float, float, float]]:
    """(step, mean, 5th percentile, 95th percentile) per step: the chart as a table."""
    return [
        (i, float(m), float(lo), float(hi))
        for i, (m, lo, hi) in enumerate(
            zip(result.curve_mean, result.curve_lo, result.curve_hi, strict=True)
        )
    ]


def curve_html(result: SpreadResult, *, title: str, summary: str) -> str:
    """A standalone HTML page: summary, SVG chart and the table behind it."""
    rows = "\n".join(
        f"<tr><td>{s}</td><td>{m:,.1f}</td><td>{lo:,.0f}</td><td>{hi:,.0f}</td></tr>"
        for s, m, lo, hi in curve_rows(result)
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>
<style>
body{{font-family:Arial,sans-serif;color:#212b32;max-width:760px;margin:2em auto;padding:0 1em}}
table{{border-collapse:collapse}}
td,th{{border-bottom:1px solid #d8dde0;padding:4px 12px;text-align:right}}
</style>
</head><body>
<h1>{escape(title)}</h1>
<p>{escape(summary)}</p>
{curve_svg(result, title=title)}
<table><caption>Cumulative adopters by step (mean and 5-95% of runs)</caption>
<thead><tr><th scope="col">Step</th><th scope="col">Mean</th>
<th scope="col">5%</th><th scope="col">95%</th></tr></thead>
<tbody>
{rows}
</tbody></table>
</body></html>
"""
