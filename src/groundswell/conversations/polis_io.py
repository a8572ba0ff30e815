"""Read and write the Pol.is open-data export (github.com/compdemocracy/openData).

A conversation folder holds:

* ``comments.csv``: ``timestamp, datetime, comment-id, author-id, agrees,
  disagrees, moderated, comment-body``; ``moderated`` is 1 accepted, 0 not yet
  moderated, -1 moderated out.
* ``votes.csv``: ``timestamp, datetime, comment-id, voter-id, vote``, one row per
  vote cast (a participant may re-vote: the latest counts); vote +1 agree,
  -1 disagree, 0 pass (export sign).
* ``participants-votes.csv``: ``participant, [xid,] group-id, n-comments,
  n-votes, n-agree, n-disagree`` and one column per comment with the latest
  vote (empty when not seen).
* ``summary.csv``: two-column ``key,value`` rows (topic, url, voters, ...).

Only ``votes.csv`` (or, failing that, ``participants-votes.csv``) is needed to
analyse; comments give moderation. The ``group-id`` column Pol.is exports
comes from its path-dependent live state and is read but never reproduced.

Files are written through ``groundswell.csvsafe`` (owner-only, formula-like
text behind a single quote) and read back without that quote, so an export
imports back unchanged.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from groundswell.conversations.matrix import VoteMatrix, build_matrix
from groundswell.csvsafe import private_file, restore, writer
from groundswell.errors import InputFileError

FILES = ("comments.csv", "votes.csv", "participants-votes.csv", "summary.csv")
PV_FIXED = ("participant", "xid", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree")


@dataclass
class Comment:
    tid: Hashable
    text: str = ""
    author: Hashable | None = None
    moderated: int = 0
    timestamp: int | None = None
    is_meta: bool = False


@dataclass
class PolisExport:
    """A conversation as read from (or to be written to) an export folder."""

    comments: list[Comment] = field(default_factory=list)
    pids: list[Hashable] = field(default_factory=list)
    tids: list[Hashable] = field(default_factory=list)
    votes: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8))
    timestamps: np.ndarray | None = None
    summary: dict[str, str] = field(default_factory=dict)
    exported_groups: dict[Hashable, int | None] = field(default_factory=dict)

    @property
    def moderated_out(self) -> list[Hashable]:
        return [c.tid for c in self.comments if c.moderated == -1]

    @property
    def meta(self) -> list[Hashable]:
        return [c.tid for c in self.comments if c.is_meta]

    def matrix(self) -> VoteMatrix:
        """The latest-vote matrix (time order from the timestamps when present)."""
        return build_matrix(self.pids, self.tids, self.votes, self.timestamps)


INT64 = 2**63  # ids and timestamps are stored as 64-bit integers


def _id(value: str) -> Hashable:
    """An id as Pol.is writes it: a number when it is one that fits 64 bits, else the text."""
    value = value.strip()
    if value.lstrip("-").isdigit() and -INT64 <= (number := int(value)) < INT64:
        return number
    return value


def _rows(path: Path, required: tuple[str, ...]) -> tuple[list[str], list[list[str]]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            rows = [[restore(cell) for cell in row] for row in csv.reader(fh)]
    except OSError as exc:
        raise InputFileError(str(path), f"cannot read: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputFileError(str(path), f"not a UTF-8 CSV file ({exc})") from exc
    if not rows:
        raise InputFileError(
            str(path), "the file is empty", line=1, fix="export the conversation again"
        )
    header = [h.strip() for h in rows[0]]
    for name in required:
        if name not in header:
            raise InputFileError(
                str(path),
                f"column '{name}' missing",
                line=1,
                fix=f"the header needs {', '.join(required)}",
            )
    return header, rows[1:]


def _int(
    path: Path, value: str, line: int, name: str, allowed: tuple[int, ...] | None = None
) -> int:
    try:
        out = int(float(value))
    except (ValueError, OverflowError):  # OverflowError: '1e3090' is infinity
        raise InputFileError(
            str(path), f"{value!r} is not a number", line=line, field=name
        ) from None
    if not -INT64 <= out < INT64:
        raise InputFileError(str(path), f"{value!r} is out of range", line=line, field=name)
    if allowed is not None and out not in allowed:
        choices = ", ".join(str(a) for a in allowed)
        raise InputFileError(str(path), f"{out} is not one of {choices}", line=line, field=name)
    return out


def read_comments(path: Path) -> list[Comment]:
    header, rows = _rows(path, ("comment-id",))
    out = []
    for n, row in enumerate(rows, start=2):
        if not row or not any(cell.strip() for cell in row):
            continue
        cells = dict(zip(header, row, strict=False))
        get = cells.get
        mod = get("moderated", "").strip()
        ts = get("timestamp", "").strip()
        out.append(
            Comment(
                tid=_id(get("comment-id", "")),
                text=get("comment-body", ""),
                author=_id(get("author-id", "")) if get("author-id", "").strip() else None,
                moderated=_int(path, mod, n, "moderated", (-1, 0, 1)) if mod else 0,
                timestamp=_int(path, ts, n, "timestamp") if ts else None,
                is_meta=get("is-meta", "").strip().lower() in ("1", "true"),
            )
        )
    return out


def read_votes(
    path: Path,
) -> tuple[list[Hashable], list[Hashable], np.ndarray, np.ndarray | None]:
    header, rows = _rows(path, ("comment-id", "voter-id", "vote"))
    ci, vi, vv = header.index("comment-id"), header.index("voter-id"), header.index("vote")
    ti = header.index("timestamp") if "timestamp" in header else None
    pids, tids, votes, stamps = [], [], [], []
    for n, row in enumerate(rows, start=2):
        if not row:
            continue
        if len(row) <= max(ci, vi, vv):
            raise InputFileError(str(path), f"{len(row)} fields, expected {len(header)}", line=n)
        pids.append(_id(row[vi]))
        tids.append(_id(row[ci]))
        votes.append(_int(path, row[vv], n, "vote", (-1, 0, 1)))
        if ti is not None:
            stamps.append(_int(path, row[ti], n, "timestamp"))
    ts = np.array(stamps, np.int64) if ti is not None else None
    return pids, tids, np.array(votes, np.int8), ts


def read_participant_votes(
    path: Path,
) -> tuple[list[Hashable], list[Hashable], np.ndarray, dict[Hashable, int | None]]:
    """Votes and exported group ids from the wide ``participants-votes.csv``."""
    header, rows = _rows(path, ("participant",))
    vote_cols = [(i, _id(h)) for i, h in enumerate(header) if h not in PV_FIXED]
    gi = header.index("group-id") if "group-id" in header else None
    pids: list[Hashable] = []
    tids: list[Hashable] = []
    votes: list[int] = []
    groups: dict[Hashable, int | None] = {}
    for n, row in enumerate(rows, start=2):
        if not row:
            continue
        pid = _id(row[0])
        g = row[gi].strip() if gi is not None and gi < len(row) else ""
        groups[pid] = _int(path, g, n, "group-id") if g else None
        for i, tid in vote_cols:
            if i < len(row) and row[i].strip():
                pids.append(pid)
                tids.append(tid)
                votes.append(_int(path, row[i], n, str(tid), (-1, 0, 1)))
    return pids, tids, np.array(votes, np.int8), groups


def read_summary(path: Path) -> dict[str, str]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            return {
                r[0].strip(): (restore(r[1]) if len(r) > 1 else "") for r in csv.reader(fh) if r
            }
    except OSError as exc:
        raise InputFileError(str(path), f"cannot read: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputFileError(
            str(path), f"not a UTF-8 CSV file ({exc})", fix="save summary.csv as UTF-8"
        ) from exc


def read_export(folder: str | Path) -> PolisExport:
    """Read a Pol.is export folder; ``votes.csv`` or ``participants-votes.csv`` is required."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputFileError(str(folder), "no such folder", fix="give the folder holding votes.csv")
    out = PolisExport()
    if (folder / "comments.csv").is_file():
        out.comments = read_comments(folder / "comments.csv")
    pv = folder / "participants-votes.csv"
    if (folder / "votes.csv").is_file():
        out.pids, out.tids, out.votes, out.timestamps = read_votes(folder / "votes.csv")
        if pv.is_file():
            out.exported_groups = read_participant_votes(pv)[3]
    elif pv.is_file():
        out.pids, out.tids, out.votes, out.exported_groups = read_participant_votes(pv)
    else:
        raise InputFileError(
            str(folder),
            "neither votes.csv nor participants-votes.csv is here",
            fix="give a Pol.is export folder",
        )
    if (folder / "summary.csv").is_file():
        out.summary = read_summary(folder / "summary.csv")
    return out


def _when(ms: int | None) -> str:
    """Pol.is's ``datetime`` column: Java ``Date.toString`` layout, in UTC."""
    if ms is None:
        return ""
    return time.strftime("%a %b %d %H:%M:%S UTC %Y", time.gmtime(ms / 1000))


def write_export(
    folder: str | Path, export: PolisExport, groups: dict[Hashable, int | None] | None = None
) -> list[Path]:
    """Write the four export files; ``groups`` (pid -> group) fills ``group-id``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    matrix = export.matrix()
    _, cols, vals = matrix.triples()
    n_t = matrix.shape[1]
    agrees = np.bincount(cols, weights=vals > 0, minlength=n_t).astype(int)
    disagrees = np.bincount(cols, weights=vals < 0, minlength=n_t).astype(int)
    col_of = {t: j for j, t in enumerate(matrix.tids)}
    comments = list(export.comments) or [Comment(t) for t in matrix.tids]
    known = {c.tid for c in comments}
    comments += [Comment(t) for t in matrix.tids if t not in known]
    paths = [folder / name for name in FILES]
    with private_file(paths[0]) as fh:
        w = writer(fh)
        w.writerow(
            [
                "timestamp",
                "datetime",
                "comment-id",
                "author-id",
                "agrees",
                "disagrees",
                "moderated",
                "comment-body",
            ]
        )
        for c in comments:
            j = col_of.get(c.tid)
            w.writerow(
                [
                    c.timestamp or "",
                    _when(c.timestamp),
                    c.tid,
                    "" if c.author is None else c.author,
                    0 if j is None else agrees[j],
                    0 if j is None else disagrees[j],
                    c.moderated,
                    c.text,
                ]
            )
    with private_file(paths[1]) as fh:
        w = writer(fh)
        w.writerow(["timestamp", "datetime", "comment-id", "voter-id", "vote"])
        ts = export.timestamps
        for k in range(len(export.votes)):
            stamp = int(ts[k]) if ts is not None else ""
            w.writerow(
                [
                    stamp,
                    _when(int(ts[k]) if ts is not None else None),
                    export.tids[k],
                    export.pids[k],
                    int(export.votes[k]),
                ]
            )
    order = sorted(range(n_t), key=lambda j: (str(type(matrix.tids[j])), matrix.tids[j]))
    authored: dict[Hashable, int] = {}
    for c in comments:
        if c.author is not None:
            authored[c.author] = authored.get(c.author, 0) + 1
    dense = matrix.to_dense()
    groups = groups or {}
    with private_file(paths[2]) as fh:
        w = writer(fh)
        w.writerow(
            [
                "participant",
                "group-id",
                "n-comments",
                "n-votes",
                "n-agree",
                "n-disagree",
                *[matrix.tids[j] for j in order],
            ]
        )
        for i, pid in enumerate(matrix.pids):
            row = dense[i, order]
            g = groups.get(pid)
            w.writerow(
                [
                    pid,
                    "" if g is None else g,
                    authored.get(pid, 0),
                    int(np.isfinite(row).sum()),
                    int((row > 0).sum()),
                    int((row < 0).sum()),
                    *["" if np.isnan(v) else int(v) for v in row],
                ]
            )
    summary = dict(export.summary)
    summary.update(
        {
            "voters": str(matrix.shape[0]),
            "voters-in-conv": str(
                sum(1 for g in groups.values() if g is not None) or matrix.shape[0]
            ),
            "commenters": str(len(authored)),
            "comments": str(len(comments)),
            "groups": str(len({g for g in groups.values() if g is not None})),
        }
    )
    keys = [
        "topic",
        "url",
        "views",
        "voters",
        "voters-in-conv",
        "commenters",
        "comments",
        "groups",
        "conversation-description",
    ]
    with private_file(paths[3]) as fh:
        w = writer(fh)
        for key in keys + [k for k in summary if k not in keys]:
            w.writerow([key, summary.get(key, "")])
    return paths
