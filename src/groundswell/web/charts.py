"""Small server-side SVG charts for the Campaigns, Measures and Initiatives pages.

Self-contained SVG with presentation attributes only (the CSP allows no
inline styles or scripts). Every chart has a ``<title>`` and ``<desc>``, and
the page always shows a table of the same numbers beside it. Points whose
value is suppressed are passed as ``None`` and leave a gap in the line.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from groundswell.spread.chart import nice_ticks, tick_label

WIDTH, HEIGHT = 320, 120
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 8, 22
BLUE, GREY, TEXT = "#005eb8", "#d8dde0", "#212b32"


def line_svg(
    labels: Sequence[str], values: Sequence[float | None], *, ident: str, title: str
) -> str:
    """A small line chart of ``values`` over ``labels``; ``None`` values are gaps."""
    shown = [v for v in values if v is not None]
    ticks = nice_ticks(float(max(shown, default=0.0)), 3)
    top = ticks[-1] or 1.0
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(values) - 1, 1)

    def x(i: int) -> float:
        return LEFT + step * i

    def y(v: float) -> float:
        return TOP + plot_h * (1 - v / top)

    if shown:
        first = next(i for i, v in enumerate(values) if v is not None)
        last = max(i for i, v in enumerate(values) if v is not None)
        desc = (
            f"From {tick_label(values[first] or 0)} ({labels[first]}) to "
            f"{tick_label(values[last] or 0)} ({labels[last]}); the table has every value."
        )
    else:
        desc = "No value can be shown: every point covers too few people."
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'font-family="Arial, sans-serif" font-size="10" class="gs-chart">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(desc)}</desc>',
    ]
    for t in ticks:
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(t):.1f}" y2="{y(t):.1f}" '
            f'stroke="{GREY}"/><text x="{LEFT - 4}" y="{y(t) + 3:.1f}" text-anchor="end" '
            f'fill="{TEXT}">{tick_label(t)}</text>'
        )
    if labels:
        for i in sorted({0, len(labels) - 1}):
            anchor = "start" if i == 0 else "end"
            parts.append(
                f'<text x="{x(i):.1f}" y="{HEIGHT - 6}" text-anchor="{anchor}" '
                f'fill="{TEXT}">{escape(labels[i])}</text>'
            )
    run: list[str] = []
    for i, v in enumerate([*values, None]):
        if v is not None:
            run.append(f"{x(i):.1f},{y(v):.1f}")
            continue
        if len(run) == 1:
            cx, cy = run[0].split(",")
            parts.append(f'<circle cx="{cx}" cy="{cy}" r="3" fill="{BLUE}"/>')
        elif run:
            parts.append(
                f'<polyline points="{" ".join(run)}" fill="none" stroke="{BLUE}" stroke-width="2"/>'
            )
        run = []
    parts.append("</svg>")
    return "".join(parts)


def progress_svg(share: float | None, *, ident: str, title: str) -> str:
    """A bar filled to ``share`` of the goal (capped at the full width); ``None`` is empty."""
    width, height = 320, 28
    filled = 0.0 if share is None else max(0.0, min(share, 1.0)) * width
    desc = (
        "Progress cannot be shown yet: too few people have logged."
        if share is None
        else f"{share * 100:.0f}% of the group goal."
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-labelledby="{ident}-title {ident}-desc" class="gs-chart">'
        f'<title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(desc)}</desc>'
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="{GREY}" rx="4"/>'
        f'<rect x="0" y="0" width="{filled:.1f}" height="{height}" fill="{BLUE}" rx="4"/>'
        "</svg>"
    )


def stacked_bars_svg(
    rows: dict[str, dict[str, int]], fills: dict[str, str], *, ident: str, title: str, key: str
) -> str:
    """Whole-number bars, one per label, stacked by kind (``rows``: label -> kind -> count).

    The count axis has round whole ticks from 0 (a lone "1" said nothing), and
    only the first, last and a few labels between are written. ``key`` says
    in words which colour is which.
    """
    labels = list(rows)
    peak = max((sum(v.values()) for v in rows.values()), default=0)
    ticks = nice_ticks(float(peak), 3, whole=True)
    while len(ticks) > 2 and ticks[-2] >= peak:  # no empty band above the tallest bar
        ticks.pop()
    top = ticks[-1] or 1.0
    height = 140
    plot_w, plot_h = WIDTH - LEFT - RIGHT, height - TOP - BOTTOM
    step = plot_w / max(len(labels), 1)

    def y(v: float) -> float:
        return TOP + plot_h * (1 - v / top)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'font-family="Arial, sans-serif" font-size="10" class="gs-chart">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{len(labels)} from {escape(labels[0] if labels else "")} to '
        f"{escape(labels[-1] if labels else '')}; {escape(key)} The table has every value.</desc>",
    ]
    for t in ticks:
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(t):.1f}" y2="{y(t):.1f}" '
            f'stroke="{GREY}"/><text x="{LEFT - 4}" y="{y(t) + 3:.1f}" text-anchor="end" '
            f'fill="{TEXT}">{tick_label(t)}</text>'
        )
    every = max(1, -(-len(labels) // 6))  # at most about six labels fit under the bars
    for i, label in enumerate(labels):
        base = 0
        for kind, n in rows[label].items():
            if n:
                parts.append(
                    f'<rect x="{LEFT + i * step + 2:.1f}" y="{y(base + n):.1f}" '
                    f'width="{max(step - 4, 1):.1f}" height="{y(base) - y(base + n):.1f}" '
                    f'fill="{fills[kind]}"/>'
                )
            base += n
        if i % every == 0 or i == len(labels) - 1:
            parts.append(
                f'<text x="{LEFT + (i + 0.5) * step:.1f}" y="{height - 6}" text-anchor="middle" '
                f'fill="{TEXT}">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
