"""Bulk inserts from numpy columns: arrays to row dicts, one INSERT per table.

The demo writes hundreds of thousands of rows in one transaction; these turn
the generator's arrays (day numbers, codes, indexes into earlier inserts) into
column values and insert each table with one executemany.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any, cast

import numpy as np
from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from groundswell.demo import places
from groundswell.store.models import Base


def _aware(values: np.ndarray) -> list[datetime | None]:
    """``datetime64`` (NaT allowed) -> aware UTC datetimes for ``UTCDateTime`` columns."""
    naive = values.astype("datetime64[us]").tolist()
    return [None if v is None else v.replace(tzinfo=UTC) for v in naive]


def utc_times(period: places.Period, days: np.ndarray) -> list[datetime | None]:
    return _aware(period.times(days))


def dates(period: places.Period, days: np.ndarray) -> list[date | None]:
    days_out: list[date | None] = period.dates(days).tolist()
    return days_out


def bulk_insert(
    session: Session, model: type[Base], rows: Sequence[dict[str, Any]], ids: bool = False
) -> np.ndarray:
    """Bulk insert; with ``ids`` return the new primary keys in row order."""
    table = cast(Table, model.__table__)
    if not rows:
        return np.empty(0, dtype=np.int64)
    if not ids:
        session.execute(insert(table), rows)
        return np.empty(0, dtype=np.int64)
    stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return np.fromiter(session.execute(stmt, rows).scalars(), dtype=np.int64, count=len(rows))


def as_rows(n: int, **columns: Any) -> list[dict[str, Any]]:
    """Row dicts from columns; a column that is not a list is the same in every row."""
    cols = {k: v if isinstance(v, list) else [v] * n for k, v in columns.items()}
    names = list(cols)
    return [dict(zip(names, values, strict=True)) for values in zip(*cols.values(), strict=True)]


def keys_at(keys: np.ndarray, index: np.ndarray) -> list[int]:
    picked: list[int] = keys[index].tolist()
    return picked


def optional_keys(keys: np.ndarray, index: np.ndarray) -> list[int | None]:
    """Keys for an index where -1 means none."""
    return [None if i < 0 else int(keys[i]) for i in index.tolist()]


def names_at(names: Sequence[str], codes: np.ndarray) -> list[str]:
    return [names[c] for c in codes.tolist()]
