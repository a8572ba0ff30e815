"""Pol.is export files: read, write, round trip, clear errors."""

from __future__ import annotations

import numpy as np
import pytest
from polis_fixtures import POLIS, loaded

from groundswell.conversations import read_export, write_export
from groundswell.conversations.polis_io import read_participant_votes
from groundswell.errors import InputFileError


def _cells(m):
    rows, cols, vals = m.triples()
    return {(m.pids[r], m.tids[c]): int(v) for r, c, v in zip(rows, cols, vals, strict=True)}


def test_reads_the_real_exports(polis):
    export, matrix, _ = polis
    assert matrix.n_votes > 0 and len(export.comments) > 0
    assert export.summary["topic"]
    assert all(c.moderated in (-1, 0, 1) for c in export.comments)
    assert export.exported_groups  # read, never reproduced


def test_participants_votes_matches_latest_votes():
    _, matrix, _ = loaded("london.youth.policing")
    pids, tids, votes, _ = read_participant_votes(
        POLIS / "london.youth.policing" / "participants-votes.csv"
    )
    wide = {(p, t): int(v) for p, t, v in zip(pids, tids, votes, strict=True)}
    assert wide == _cells(matrix)


def test_round_trip(tmp_path):
    export, matrix, result = loaded("scoop-hivemind.ubi")
    paths = write_export(tmp_path, export, result.participants())
    assert sorted(p.name for p in paths) == sorted(
        ["comments.csv", "votes.csv", "participants-votes.csv", "summary.csv"]
    )
    again = read_export(tmp_path)
    assert _cells(again.matrix()) == _cells(matrix)
    assert [c.tid for c in again.comments] == [c.tid for c in export.comments]
    assert again.moderated_out == export.moderated_out
    assert again.summary["topic"] == export.summary["topic"]
    groups = {p: g for p, g in result.participants().items()}
    assert again.exported_groups == groups
    # Without votes.csv the wide file alone gives the same matrix.
    (tmp_path / "votes.csv").unlink()
    assert _cells(read_export(tmp_path).matrix()) == _cells(matrix)


def test_missing_folder_and_files(tmp_path):
    with pytest.raises(InputFileError, match="no such folder"):
        read_export(tmp_path / "nope")
    with pytest.raises(InputFileError, match=r"neither votes\.csv"):
        read_export(tmp_path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("timestamp,comment-id,vote\n1,2,1\n", "column 'voter-id' missing"),
        ("timestamp,comment-id,voter-id,vote\n1,2,3,7\n", "line 2, field 'vote': 7 is not one of"),
        (
            "timestamp,comment-id,voter-id,vote\n1,2,3,yes\n",
            "line 2, field 'vote': 'yes' is not a number",
        ),
        (
            "timestamp,comment-id,voter-id,vote\n1,2,3,1e3090\n",
            "line 2, field 'vote': '1e3090' is not a number",
        ),
        (
            "timestamp,comment-id,voter-id,vote\n99999999999999999999,2,3,1\n",
            "line 2, field 'timestamp': '99999999999999999999' is out of range",
        ),
        ("", "the file is empty"),
    ],
)
def test_bad_votes_file_names_line_and_field(tmp_path, content, message):
    (tmp_path / "votes.csv").write_text(content)
    with pytest.raises(InputFileError, match=message):
        read_export(tmp_path)


def test_written_votes_keep_time_order(tmp_path):
    export, _, _ = loaded("london.youth.policing")
    write_export(tmp_path, export)
    again = read_export(tmp_path)
    assert np.array_equal(again.timestamps, export.timestamps)
