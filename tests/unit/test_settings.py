"""Settings are strict: a malformed or unknown GROUNDSWELL_* variable stops start-up, named."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from groundswell.cli.main import main
from groundswell.errors import ConfigError, ExitStatus
from groundswell.settings import PREFIX, Settings, load_settings


def test_defaults_use_sqlite_in_the_data_folder(tmp_path: Path) -> None:
    settings = load_settings({"GROUNDSWELL_DATA_DIR": str(tmp_path)})
    assert settings.database_url is None
    assert settings.resolved_database_url == f"sqlite:///{tmp_path / 'groundswell.db'}"
    assert (settings.threads, settings.log_level, settings.scheduler) == (0, "info", None)


def test_values_are_read_and_converted() -> None:
    settings = load_settings(
        {
            "GROUNDSWELL_THREADS": "4",
            "groundswell_log_level": "debug",  # variable names are case-insensitive
            "GROUNDSWELL_DATABASE_URL": "postgresql+psycopg://u:p@db:5432/gs",
            "GROUNDSWELL_DEMO_PEOPLE": "500",
            "PATH": "/usr/bin",  # other variables are none of our business
        }
    )
    assert (settings.threads, settings.log_level, settings.demo_people) == (4, "debug", 500)
    assert settings.resolved_database_url == "postgresql+psycopg://u:p@db:5432/gs"


def test_an_empty_database_url_means_the_default() -> None:
    assert load_settings({"GROUNDSWELL_DATABASE_URL": ""}).database_url is None


def test_settings_are_frozen() -> None:
    settings = load_settings({})
    with pytest.raises(Exception, match="frozen"):
        settings.threads = 3  # type: ignore[misc]


BAD = {
    "GROUNDSWELL_DATABSE_URL": "sqlite://",  # a typo must not fall back to the default
    "GROUNDSWELL_THREAD": "2",
    "GROUNDSWELL_THREADS": "many",
    "GROUNDSWELL_DEMO_PEOPLE": "5",
    "GROUNDSWELL_LOG_LEVEL": "verbose",
    "GROUNDSWELL_DATABASE_URL": "not a url",
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_variable_is_a_config_error_naming_it(name: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings({name: BAD[name]})
    assert name in str(info.value)
    assert "\n" not in str(info.value)
    assert info.value.exit_code == ExitStatus.CONFIG


def test_negative_threads_is_refused() -> None:
    with pytest.raises(ConfigError, match="GROUNDSWELL_THREADS"):
        load_settings({"GROUNDSWELL_THREADS": "-1"})


def test_unknown_variable_error_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError) as info:
        load_settings({"GROUNDSWELL_DATABSE_URL": "sqlite://"})
    for name in Settings.model_fields:
        assert PREFIX + name.upper() in str(info.value)


@pytest.mark.parametrize("name", ["GROUNDSWELL_DATABSE_URL", "GROUNDSWELL_THREADS"])
def test_the_cli_reports_a_bad_variable_in_one_line(
    name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for variable in list(os.environ):
        if variable.upper().startswith(PREFIX):
            monkeypatch.delenv(variable)
    monkeypatch.setenv("GROUNDSWELL_DATA_DIR", str(tmp_path))
    monkeypatch.setenv(name, "many" if name.endswith("THREADS") else "sqlite://")
    code = main(["init"])
    err = capsys.readouterr().err
    assert code == ExitStatus.CONFIG
    assert err.count("\n") == 1 and err.startswith("groundswell: error: ") and name in err
    assert list(tmp_path.iterdir()) == []  # nothing was created


def test_every_setting_is_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    missing = [
        name
        for name in Settings.model_fields
        if f"`GROUNDSWELL_{name.upper()}`" not in readme and f"`_{name.upper()}`" not in readme
    ]
    assert missing == []
