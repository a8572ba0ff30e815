"""Branding by setting: a neutral header by default, the organisation's name and logo, and
the NHS logo only for an organisation that says it is entitled to it."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from groundswell.app import App
from groundswell.errors import ConfigError
from groundswell.settings import load_settings
from groundswell.web import create_app

pytestmark = pytest.mark.anyio
NHS_LOGO = "<title>NHS</title>"
LOGO = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9"><rect width="9"/></svg>'


async def _home(tmp_path: Path, **brand: object) -> tuple[httpx.Response, httpx.AsyncClient, App]:
    gs = App.build(
        load_settings(
            {}, data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'gs.db'}", **brand
        )
    )
    gs.upgrade()
    transport = httpx.ASGITransport(app=create_app(gs), raise_app_exceptions=False)
    client = httpx.AsyncClient(transport=transport, base_url="http://testserver")
    return await client.get("/"), client, gs


async def test_the_default_header_is_neutral(tmp_path: Path) -> None:
    page, client, gs = await _home(tmp_path)
    assert page.status_code == 200
    assert NHS_LOGO not in page.text and "vendor/nhsuk/assets/images/favicon" not in page.text
    assert "img/favicon.svg" in page.text and 'src="/brand/logo"' not in page.text
    assert "– Groundswell</title>" in page.text
    assert (await client.get("/brand/logo")).status_code == 404
    await client.aclose()
    gs.close()


async def test_an_organisation_shows_its_name_and_logo(tmp_path: Path) -> None:
    logo = tmp_path / "logo.svg"
    logo.write_bytes(LOGO)
    page, client, gs = await _home(tmp_path, org_name="Bay Health Together", org_logo=logo)
    assert (
        "Bay Health Together</span>" in page.text and "– Bay Health Together</title>" in page.text
    )
    assert 'src="/brand/logo"' in page.text and NHS_LOGO not in page.text
    served = await client.get("/brand/logo")
    assert served.status_code == 200 and served.content == LOGO
    assert served.headers["content-type"] == "image/svg+xml"
    assert served.headers["content-security-policy"] == "sandbox"  # an SVG runs no script here
    await client.aclose()
    gs.close()


async def test_the_nhs_logo_only_when_the_organisation_chooses_it(tmp_path: Path) -> None:
    page, client, gs = await _home(tmp_path, org_name="Morecambe Bay NHS Trust", nhs_identity=True)
    assert NHS_LOGO in page.text and "vendor/nhsuk/assets/images/favicon" in page.text
    await client.aclose()
    gs.close()


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("missing.svg", None, "cannot read"),
        ("logo.gif", b"GIF89a", "not an .svg, .png, .jpg or .jpeg file"),
        ("huge.png", b"\0" * (512 * 1024 + 1), "at most"),
    ],
)
def test_a_bad_logo_setting_names_the_variable(tmp_path: Path, name, content, words) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ConfigError, match=f"GROUNDSWELL_ORG_LOGO is malformed: .*{words}"):
        load_settings({"GROUNDSWELL_ORG_LOGO": str(path)})
