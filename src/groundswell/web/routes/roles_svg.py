"""Pictures for the Roles page as inline SVG: the network coloured by role, indicator lines.

Server-side, so they show without JavaScript and fit the strict CSP (no
inline scripts, no ``style=``: presentation attributes only). Each picture
has a ``<title>`` and ``<desc>``, and the page puts a table of the same
numbers beside it.
"""

from __future__ import annotations

from html import escape

from groundswell.roles.layout import Layout

# Okabe & Ito's colour-blind-safe palette (https://jfly.uni-koeln.de/color/).
COLOURS = {
    "organiser": "#0072B2",
    "mobiliser": "#D55E00",
    "connector": "#009E73",
    "lone_wolf": "#CC79A7",
}
NO_ROLE = "#AEB7BD"
HIDDEN = "#768692"  # someone outside the viewer's scope: no role shown
SIZE = 640


def network_svg(
    layout: Layout, colour_of: list[str], names: list[str | None], *, title: str, desc: str
) -> str:
    """The picture: grey lines for ties, a circle per person (hover: ``names``, if any)."""
    pad = 12
    span = SIZE - 2 * pad
    xy = pad + layout.xy * span
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" width="100%" '
        f'role="img" aria-labelledby="net-title net-desc" class="gs-chart gs-network">',
        f'<title id="net-title">{escape(title)}</title>',
        f'<desc id="net-desc">{escape(desc)}</desc>',
        '<g stroke="#d8dde0" stroke-width="0.6">',
    ]
    for a, b in layout.edges.tolist():
        (x1, y1), (x2, y2) = xy[a], xy[b]
        parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"/>')
    parts.append('</g><g stroke="#ffffff" stroke-width="0.8">')
    # Role holders last, so they are drawn on top of their neighbours.
    order = sorted(range(len(colour_of)), key=lambda k: colour_of[k] in COLOURS.values())
    for k in order:
        big = colour_of[k] in COLOURS.values()
        label = names[k]
        tip = f"<title>{escape(label)}</title>" if label else ""
        parts.append(
            f'<circle cx="{xy[k, 0]:.1f}" cy="{xy[k, 1]:.1f}" r="{6 if big else 3}" '
            f'fill="{colour_of[k]}">{tip}</circle>'
        )
    parts.append("</g></svg>")
    return "\n".join(parts)


def line_svg(points: list[tuple[str, float | None]], *, ident: str, title: str, unit: str) -> str:
    """A small line chart of one indicator per period; gaps where a value is undefined."""
    width, height, left, right, top, bottom = 280, 96, 40, 8, 8, 22
    values = [v for _, v in points if v is not None]
    lo = min([0.0, *values])
    hi = max([*values, 1e-9]) if values else 1.0
    hi = hi if hi > lo else lo + 1.0
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(points) - 1, 1)

    def y(v: float) -> float:
        return top + plot_h * (1 - (v - lo) / (hi - lo))

    runs: list[list[str]] = [[]]
    for k, (_, v) in enumerate(points):
        if v is None:
            runs.append([])
        else:
            runs[-1].append(f"{left + k * step:.1f},{y(v):.1f}")
    first = points[0][0] if points else ""
    last = points[-1][0] if points else ""
    shown = ", ".join(f"{p}: {_short(v, unit)}" for p, v in points)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" font-family="Arial, sans-serif" '
        f'font-size="10" class="gs-chart gs-spark">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(shown or "no periods on record")}</desc>',
        f'<line x1="{left}" x2="{width - right}" y1="{y(lo):.1f}" y2="{y(lo):.1f}" '
        f'stroke="#4c6272"/>',
        f'<text x="{left - 4}" y="{y(hi) + 4:.1f}" text-anchor="end" fill="#212b32">'
        f"{escape(_short(hi, unit))}</text>",
        f'<text x="{left - 4}" y="{y(lo) + 3:.1f}" text-anchor="end" fill="#212b32">'
        f"{escape(_short(lo, unit))}</text>",
        f'<text x="{left}" y="{height - 6}" fill="#212b32">{escape(first)}</text>',
        f'<text x="{width - right}" y="{height - 6}" text-anchor="end" fill="#212b32">'
        f"{escape(last)}</text>",
    ]
    for run in runs:
        if len(run) > 1:
            parts.append(
                f'<polyline points="{" ".join(run)}" fill="none" stroke="#005eb8" '
                f'stroke-width="2"/>'
            )
        for pt in run:
            cx, cy = pt.split(",")
            parts.append(f'<circle cx="{cx}" cy="{cy}" r="2.2" fill="#005eb8"/>')
    parts.append("</svg>")
    return "\n".join(parts)


def _short(value: float | None, unit: str) -> str:
    """A value as the page shows it: shares as percentages, counts whole."""
    if value is None:
        return "–"
    if unit == "%":
        return f"{100 * value:.0f}%"
    if unit == "int":
        return f"{value:,.0f}"
    return f"{value:,.1f}" if abs(value) < 100 else f"{value:,.0f}"
