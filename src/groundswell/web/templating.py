"""Jinja2 templates, their filters, and whether the vendored front-end assets are present."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from groundswell.settings import Settings
from groundswell.wording import plural

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
TEMPLATES_DIR = HERE / "templates"
VENDOR_DIR = STATIC_DIR / "vendor"
VENDOR_FILES = (
    "nhsuk/nhsuk-frontend.min.css",
    "nhsuk/nhsuk-frontend.min.js",
    "htmx/htmx.min.js",
    "swagger-ui/swagger-ui-bundle.js",
)

log = logging.getLogger("groundswell.web")

# The sections of the service, in navigation order: (path, label).
NAVIGATION = [
    ("/conversations", "Conversations"),
    ("/network", "Network"),
    ("/measures", "Measures"),
    ("/campaigns", "Campaigns"),
    ("/stories", "Stories"),
    ("/initiatives", "Initiatives"),
    ("/events", "Events"),
]


def vendor_present(vendor_dir: Path | None = None) -> bool:
    """True when scripts/assets.sh has copied the NHS.UK frontend and htmx files."""
    vendor_dir = VENDOR_DIR if vendor_dir is None else vendor_dir
    missing = [name for name in VENDOR_FILES if not (vendor_dir / name).is_file()]
    if missing:
        log.warning(
            "front-end assets missing (%s): pages render without NHS.UK styles; "
            "run scripts/assets.sh",
            ", ".join(missing),
        )
    return not missing


def thousands(value: float | int | None) -> str:
    """1234567 -> '1,234,567'; floats keep one decimal place."""
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def cell(item: object, digits: int = 2) -> str:
    """A suppressed figure (``measures.suppression.Cell``) for a page: why it is hidden, or
    its value with thousands separators (``suppression.show`` without them is for CSV)."""
    reason = getattr(item, "reason", None)
    return reason if reason is not None else _figure(getattr(item, "value", None), digits)


def _figure(value: object, digits: int) -> str:
    if value is None:
        return "–"
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_figure(v, digits) for v in value) + "]"
    if isinstance(value, float):
        text = f"{value:,.{digits}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return f"{value:,}" if isinstance(value, int) else str(value)


def suppressed(value: float | int | None) -> str:
    """A count of people that may be hidden (measures.suppression): ``None`` is suppressed."""
    return "suppressed" if value is None else thousands(value)


# Names that do not read well from their stored value.
_LABELS = {
    "swemwbs": "SWEMWBS (short Warwick-Edinburgh wellbeing scale)",
    "ons4": "ONS4 (personal wellbeing questions)",
    "yes_no": "days",
    "nhs_number": "NHS number",  # a personal-data flag's kind
}


def humanise(value: object) -> str:
    """An enum value such as 'needs_changes' -> 'Needs changes'."""
    raw = str(getattr(value, "value", value))
    if raw in _LABELS:
        return _LABELS[raw]
    text = raw.replace("_", " ")
    return text[:1].upper() + text[1:]


def sentence(text: str) -> str:
    """'no such page' -> 'No such page.' (messages are written lower-case for the CLI)."""
    text = text.strip()
    if not text:
        return text
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


def long_date(value: date | None) -> str:
    """date(2025, 3, 1) -> '1 March 2025' (NHS.UK style)."""
    return "" if value is None else f"{value.day} {value:%B %Y}"


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Every page is rendered here: its template with the context, and the path the
    navigation marks as current (the request's own unless the context names one)."""
    templates: Jinja2Templates = request.app.state.templates
    page = {"current_path": request.url.path, **context}
    response: HTMLResponse = templates.TemplateResponse(
        request, template, page, status_code=status_code
    )
    return response


def make_templates(*, vendor: bool, brand: Settings | None = None) -> Jinja2Templates:
    """The page templates; ``brand``'s organisation name, logo and NHS identity go in the header."""
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    env = templates.env
    env.auto_reload = False  # templates ship with the package: no file checks per render
    env.filters["thousands"] = thousands
    env.filters["suppressed"] = suppressed
    env.filters["humanise"] = humanise
    env.filters["long_date"] = long_date
    env.filters["sentence"] = sentence
    env.filters["plural"] = plural
    env.globals.update(
        vendor=vendor,
        navigation=NAVIGATION,
        service_name=(brand and brand.org_name) or "Groundswell",
        org_logo=brand is not None and brand.org_logo is not None,
        nhs_identity=brand is not None and brand.nhs_identity,
    )
    return templates
