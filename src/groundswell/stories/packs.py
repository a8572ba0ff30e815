"""Training packs rendered as printable HTML, Markdown and PDF (pure: data in, bytes/text out).

A pack is a title, an audience, the curator's learning points and its slots in
order. A slot holds a story with its learning point and consent trail, or says
that a story was removed (withdrawn, or consent no longer given) without
showing anything of it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

# DejaVu Sans covers the characters people write stories in; without it the PDF
# falls back to the core Helvetica font and characters outside Latin-1 become '?'.
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


@dataclass(frozen=True)
class TrailStep:
    at: datetime
    actor_role: str
    action: str
    status: str
    consent: str


@dataclass(frozen=True)
class PackStory:
    title: str
    body: str
    service: str | None
    theme: str | None
    consent: str
    learning_point: str
    trail: tuple[TrailStep, ...] = ()


@dataclass(frozen=True)
class RemovedSlot:
    reason: str
    removed_at: datetime | None = None


@dataclass(frozen=True)
class Pack:
    title: str
    audience: str | None
    learning_points: str
    generated_at: datetime
    slots: tuple[PackStory | RemovedSlot, ...] = field(default_factory=tuple)

    @property
    def stories(self) -> list[PackStory]:
        return [s for s in self.slots if isinstance(s, PackStory)]


def _trail_line(t: TrailStep) -> str:
    what = t.action.replace("_", " ")
    when = f"{t.at:%d %b %Y %H:%M}"
    return f"{when} - {t.actor_role}: {what} (status {t.status}, consent {t.consent})"


def _removed_line(s: RemovedSlot) -> str:
    when = f" on {s.removed_at:%d %b %Y}" if s.removed_at else ""
    return f"A story was removed from this pack{when}: {s.reason}."


_MD_SPECIAL = re.compile(r"([\\`*_\[\]])")


def _md(text: str) -> str:
    """Storytellers' and curators' text as literal Markdown text, never markup.

    Markdown passes raw HTML through (CommonMark, "Raw HTML" and "HTML
    blocks": https://spec.commonmark.org/0.31.2/#raw-html), so ``<script>`` in a
    story would run wherever the pack is rendered: ``<``, ``>`` and ``&`` become
    entities, and the characters that make emphasis, code, links and images
    are backslash-escaped, so ``[x](javascript:...)`` stays text.
    """
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def to_markdown(pack: Pack) -> str:
    """The pack as Markdown: one section per slot, the consent trail under each story.

    Every text from people goes through ``_md``: the file renders as the text
    they wrote, with no HTML or links of theirs in it.
    """
    out = [f"# {_md(pack.title)}", ""]
    if pack.audience:
        out += [f"For: {_md(pack.audience)}", ""]
    out += [f"Generated {pack.generated_at:%d %B %Y %H:%M} UTC", ""]
    if pack.learning_points.strip():
        out += ["## Learning points", ""]
        out += [f"- {_md(p.strip())}" for p in pack.learning_points.splitlines() if p.strip()]
        out.append("")
    for n, slot in enumerate(pack.slots, start=1):
        if isinstance(slot, RemovedSlot):
            out += [f"## {n}. Story removed", "", f"_{_md(_removed_line(slot))}_", ""]
            continue
        out += [f"## {n}. {_md(slot.title)}", ""]
        about = ", ".join(x for x in (slot.service, slot.theme) if x)
        if about:
            out += [f"*{_md(about)}*", ""]
        out += [_md(slot.body.strip()), ""]
        if slot.learning_point.strip():
            out += [f"**Learning point:** {_md(slot.learning_point.strip())}", ""]
        out += [f"Consent: {_md(slot.consent)}. Consent trail:", ""]
        out += [f"- {_md(_trail_line(t))}" for t in slot.trail]
        out.append("")
    return "\n".join(out)


# One stylesheet for the printable page. The site links it (its content security
# policy allows no inline style: style-src 'self'); a pack written to a file,
# opened with no server behind it, carries the same text inline.
STYLESHEET = Path(__file__).resolve().parents[1] / "web" / "static" / "css" / "training-pack.css"


def to_html(pack: Pack, stylesheet: str | None = None) -> str:
    """The pack as one printable HTML page, no scripts.

    ``stylesheet``: the address of ``STYLESHEET`` to link (a page the site
    serves); without it the styles are inline (a file to open or send).
    """
    e = html.escape
    style = (
        f'<link rel="stylesheet" href="{e(stylesheet)}">'
        if stylesheet
        else f"<style>{STYLESHEET.read_text(encoding='utf-8')}</style>"
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<link rel="icon" href="data:,">',  # no favicon to ask the server for
        f"<title>{e(pack.title)}</title>{style}</head><body><main>",
        f"<h1>{e(pack.title)}</h1>",
    ]
    if pack.audience:
        parts.append(f"<p>For: {e(pack.audience)}</p>")
    parts.append(f"<p>Generated {pack.generated_at:%d %B %Y %H:%M} UTC</p>")
    points = [p.strip() for p in pack.learning_points.splitlines() if p.strip()]
    if points:
        parts.append("<h2>Learning points</h2><ul>")
        parts += [f"<li>{e(p)}</li>" for p in points]
        parts.append("</ul>")
    for n, slot in enumerate(pack.slots, start=1):
        if isinstance(slot, RemovedSlot):
            parts.append(
                f'<section class="story"><h2>{n}. Story removed</h2>'
                f'<p class="removed">{e(_removed_line(slot))}</p></section>'
            )
            continue
        parts.append(f'<section class="story"><h2>{n}. {e(slot.title)}</h2>')
        about = ", ".join(x for x in (slot.service, slot.theme) if x)
        if about:
            parts.append(f"<p><em>{e(about)}</em></p>")
        parts += [f"<p>{e(p)}</p>" for p in slot.body.split("\n\n") if p.strip()]
        if slot.learning_point.strip():
            parts.append(f"<p><strong>Learning point:</strong> {e(slot.learning_point)}</p>")
        parts.append(f'<div class="trail"><p>Consent: {e(slot.consent)}. Consent trail:</p><ul>')
        parts += [f"<li>{e(_trail_line(t))}</li>" for t in slot.trail]
        parts.append("</ul></div></section>")
    parts.append("</main></body></html>")
    return "\n".join(parts)


def to_pdf(pack: Pack) -> bytes:
    """The pack as a PDF (fpdf2), with a Unicode font when DejaVu is installed."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title(pack.title)
    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    unicode = regular.exists() and bold.exists()
    family = "Body" if unicode else "Helvetica"
    if unicode:
        pdf.add_font("Body", "", str(regular))
        pdf.add_font("Body", "B", str(bold))

    def clean(text: str) -> str:
        return text if unicode else text.encode("latin-1", "replace").decode("latin-1")

    pdf.add_page()

    def para(text: str, size: float = 11, style: str = "", gap: float = 2) -> None:
        pdf.set_font(family, style, size)
        pdf.multi_cell(0, size * 0.5, clean(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    para(pack.title, 20, "B", 4)
    if pack.audience:
        para(f"For: {pack.audience}")
    para(f"Generated {pack.generated_at:%d %B %Y %H:%M} UTC", 9)
    points = [p.strip() for p in pack.learning_points.splitlines() if p.strip()]
    if points:
        para("Learning points", 14, "B")
        for p in points:
            para(f"- {p}")
    for n, slot in enumerate(pack.slots, start=1):
        if isinstance(slot, RemovedSlot):
            para(f"{n}. Story removed", 14, "B")
            para(_removed_line(slot))
            continue
        para(f"{n}. {slot.title}", 14, "B")
        about = ", ".join(x for x in (slot.service, slot.theme) if x)
        if about:
            para(about, 10)
        for p in slot.body.split("\n\n"):
            if p.strip():
                para(p.strip())
        if slot.learning_point.strip():
            para(f"Learning point: {slot.learning_point.strip()}", 11, "B")
        para(f"Consent: {slot.consent}. Consent trail:", 9)
        for t in slot.trail:
            para(f"- {_trail_line(t)}", 8, "", 0)
        pdf.ln(4)
    return bytes(pdf.output())
