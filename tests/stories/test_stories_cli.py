"""``groundswell stories check-text``."""

from __future__ import annotations

import json

from groundswell.cli.main import main


def test_check_text_json(capsys):
    text = "Dr Patel was rude. NHS 943 476 5919, LS1 4AP."
    code = main(["stories", "check-text", text, "--json"])
    out = capsys.readouterr().out
    assert code == 0
    flags = json.loads(out)["flags"]
    kinds = [f["kind"] for f in flags]
    assert {"name", "nhs_number", "postcode", "staff_named"} <= set(kinds)
    for f in flags:
        assert set(f) == {"kind", "start", "end", "text"}


def test_check_text_plain_and_empty(capsys):
    assert main(["stories", "check-text", "A quiet night."]) == 0
    assert "no personal data" in capsys.readouterr().out
    assert main(["stories", "check-text", "  "]) == 3
    assert "empty" in capsys.readouterr().err
