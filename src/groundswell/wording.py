"""Counts in words, for pages and the command line alike: "1 person", "3 people", "1 mile".

>>> plural(1, "person", "people")
'1 person'
>>> plural(20000, "person", "people")
'20,000 people'
>>> plural(2, "statement")
'2 statements'
"""

from __future__ import annotations


def plural(n: int | float, singular: str, plural_form: str | None = None) -> str:
    """``n`` with the noun that agrees with it, thousands separated."""
    number = f"{int(n):,}" if float(n).is_integer() else f"{n:,.1f}"
    word = singular if n == 1 else (plural_form or singular + "s")
    return f"{number} {word}"
