"""Pack rendering: removed slots, escaping, Unicode in the PDF and the Latin-1 fallback."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from pypdf import PdfReader

from groundswell.stories import packs
from groundswell.stories.packs import Pack, PackStory, RemovedSlot, TrailStep

AT = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
STORY = PackStory(
    title="Zoë's <first> night",
    body="The café nurse — kind.\n\nSecond paragraph.",
    service="maternity",
    theme=None,
    consent="training",
    learning_point="Listen",
    trail=(TrailStep(AT, "storyteller", "edit", "submitted", "training"),),
)
PACK = Pack("Pack & more", "Midwives", "One\nTwo", AT, (STORY, RemovedSlot("withdrawn", AT)))


def _pdf_text(data: bytes) -> str:
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_markdown_and_html():
    md = packs.to_markdown(PACK)
    assert "## 2. Story removed" in md and "storyteller: edit" in md and "- One" in md
    html = packs.to_html(PACK)
    assert "Zoë&#x27;s &lt;first&gt; night" in html and "<script" not in html
    assert "A story was removed from this pack on 01 Mar 2026: withdrawn." in html


def test_pdf_keeps_unicode_with_dejavu():
    if not (packs.FONT_DIR / "DejaVuSans.ttf").exists():
        pytest.skip("DejaVu fonts are not installed (Debian fonts-dejavu-core)")
    text = _pdf_text(packs.to_pdf(PACK))
    assert "Zoë" in text and "café" in text and "Story removed" in text


def test_pdf_without_fonts_falls_back_to_latin1(monkeypatch, tmp_path: Path):
    monkeypatch.setattr(packs, "FONT_DIR", tmp_path)
    text = _pdf_text(packs.to_pdf(PACK))
    assert "Zoë" in text and "kind" in text  # é is Latin-1; the dash becomes '?'


def test_finding_low_pack_markdown_passes_no_raw_html_or_links():
    attack = '<script>alert("x")</script> [click](javascript:alert(1)) ![t](http://t.example/p.png)'
    story = PackStory(attack, attack + "\n\nSecond", "A&E", "<b>theme</b>", "training", attack)
    md = packs.to_markdown(Pack(attack, attack, attack, AT, (story,)))
    assert "<script" not in md and "<b>" not in md
    rendered = MarkdownIt("commonmark").render(md)  # what a Markdown viewer would show
    assert "<script" not in rendered and "<b>" not in rendered
    assert "href" not in rendered and "<img" not in rendered  # links and images stay text
    shown = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; [click](javascript:alert(1))"
    assert shown in rendered  # the reader sees exactly what was written
    assert "<script" not in packs.to_html(Pack(attack, attack, attack, AT, (story,)))


def test_finding_5_printable_page_links_its_stylesheet_when_served():
    served = packs.to_html(PACK, "/static/css/training-pack.css")
    assert '<link rel="stylesheet" href="/static/css/training-pack.css">' in served
    assert "<style" not in served and "style=" not in served  # nothing the CSP would block
    saved = packs.to_html(PACK)  # a file opened with no server: the same styles inline
    assert packs.STYLESHEET.read_text(encoding="utf-8") in saved
    assert '<link rel="stylesheet"' not in saved
