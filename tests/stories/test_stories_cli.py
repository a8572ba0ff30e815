"""``groundswell stories check-text``."""

from __future__ import annotations

import json
import os

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


def test_db_commands(app, tmp_path, monkeypatch, capsys):
    from groundswell.actions.stories import do_moderate, do_share_story
    from groundswell.actions.story_packs import do_add_to_pack, do_create_pack
    from groundswell.stories.workflow import Kind

    for name in list(os.environ):
        if name.upper().startswith("GROUNDSWELL_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("GROUNDSWELL_DATABASE_URL", app.engine.url.render_as_string(False))
    monkeypatch.setenv("GROUNDSWELL_DATA_DIR", str(tmp_path))
    shared = do_share_story(app, title="Heard", body="They listened to us.", consent="publish")
    do_moderate(app, shared.story_id, Kind.APPROVE, actor="mod")
    do_moderate(app, shared.story_id, Kind.PUBLISH, actor="mod")
    pack = do_create_pack(app, "P", actor="cur")
    do_add_to_pack(app, pack, shared.story_id, actor="cur")

    assert main(["stories", "search", "listening", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)["hits"]
    assert [h["title"] for h in hits] == ["Heard"]
    out = tmp_path / "pack.md"
    assert main(["stories", "export-pack", str(pack), "--out", str(out), "--format", "md"]) == 0
    assert "They listened to us." in out.read_text()
    assert main(["stories", "export-pack", str(pack), "--out", str(out)]) == 3
    assert "already exists" in capsys.readouterr().err
    again = tmp_path / "again.md"
    argv = ["stories", "export-pack", str(pack), "--out", str(again), "--format", "md", "--json"]
    assert main(argv) == 0
    written = json.loads(capsys.readouterr().out)
    assert written["file"] == str(again) and written["bytes"] == again.stat().st_size
    # A curator takes the story out: the pack's next export leaves it out, and a
    # second removal is refused rather than silently done.
    assert main(["stories", "remove-from-pack", str(pack), str(shared.story_id), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["packs"] == []
    emptied = tmp_path / "emptied.md"
    assert main(["stories", "export-pack", str(pack), "--out", str(emptied), "--format", "md"]) == 0
    assert "They listened to us." not in emptied.read_text()
    capsys.readouterr()
    assert main(["stories", "remove-from-pack", str(pack), str(shared.story_id)]) != 0
    assert "not in that pack" in capsys.readouterr().err
    assert main(["stories", "safeguarding-contact", "Jo", "jo@example.org", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["email"] == "jo@example.org"
    assert main(["stories", "change-share", "--json"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["concerns"] == 0
