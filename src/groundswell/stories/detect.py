"""Personal-data check: find names, NHS numbers, phones, emails, postcodes and dates of birth.

A story must pass this check (each flag edited away or marked acceptable with a
reason) before it leaves 'private'. The check favours recall: a moderator
dismisses a false flag in one click, a missed NHS number cannot be recalled.

What counts as a date of birth (a choice, documented here): any *full* date
(day, month and year) in a common UK format (``12/03/1985``, ``12-03-85``,
``12.03.1985``, ``12 March 1985``, ``12th Mar 1985``, ``March 12, 1985``),
because a full date beside a story is identifying whatever it dates; and a
partial date (``3 May``, ``May 1985``) only within a few words after
"born", "DOB", "date of birth" or "birthday".
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import resources

KINDS = ("name", "nhs_number", "phone", "email", "postcode", "date_of_birth", "staff_named")


@dataclass(frozen=True, slots=True)
class Flag:
    """One stretch of text that may identify someone: ``text[start:end]``."""

    kind: str
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def nhs_number_valid(digits: str) -> bool:
    """Modulus 11 check of a 10-digit NHS number.

    NHS Data Dictionary, "NHS Number": multiply the first nine digits by the
    weights 10 down to 2, sum, take the remainder mod 11; the check digit is
    11 minus the remainder, where 11 means 0 and 10 means the number is invalid.

    >>> nhs_number_valid("9434765919")
    True
    >>> nhs_number_valid("9434765918")
    False
    """
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


_NHS = re.compile(r"(?<![\d+])(\d{3})([ -]?)(\d{3})\2(\d{4})(?![\d])")
# +44 (0)... / +44 ... / 0... followed by ten more digits, with spaces, dashes or
# brackets between them (UK numbers are 11 digits with the trunk 0).
_PHONE = re.compile(r"(?<![\w+])(?:\+44[ -]?(?:\(0\)[ -]?)?|\(?0)(?:[ \-()]{0,2}\d){10}(?!\d)")
_EMAIL = re.compile(
    r"(?<![\w.+'-])[A-Za-z0-9._%+-][A-Za-z0-9._%+'-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
# The UK government postcode pattern (Bulk Data Transfer spec), space optional,
# case-insensitive, plus the special GIR 0AA.
_POSTCODE = re.compile(
    r"\b(?:GIR ?0AA|(?:[A-PR-UWYZ][0-9]{1,2}|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}"
    r"|[A-PR-UWYZ][0-9][A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])"
    r" ?[0-9][ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DAY = r"(?:[12][0-9]|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_FULL_DATE = re.compile(
    rf"\b(?:(?:[12][0-9]|3[01]|0?[1-9])([/.-])(?:1[0-2]|0?[1-9])\1(?:\d{{4}}|\d{{2}})"
    rf"|{_DAY} (?:of )?{_MONTH},? \d{{4}}|{_MONTH} {_DAY},? \d{{4}})(?![\d/])",
    re.IGNORECASE,
)
_PARTIAL_DATE = re.compile(
    rf"\b(?:{_DAY} (?:of )?{_MONTH}|{_MONTH} {_DAY}|{_MONTH},? \d{{4}})\b", re.IGNORECASE
)
_BIRTH_CUE = re.compile(r"\b(?:born|DOB|D\.O\.B\.?|date of birth|birthday)\b", re.IGNORECASE)

_TOKEN = re.compile(r"\b[A-Z](?:[a-z]+|'[A-Z][a-z]+)(?:-[A-Z][a-z]+)?\b")
_STAFF_TITLES = {
    "dr", "doctor", "sister", "nurse", "midwife", "matron", "consultant", "professor",
    "prof", "surgeon", "registrar", "receptionist", "paramedic", "gp", "hca", "physio",
}  # fmt: skip
_TITLES = _STAFF_TITLES | {"mr", "mrs", "ms", "miss", "mx", "dame", "sir", "lady", "lord"}
# Listed names that are also everyday words or places: flagged only beside a
# title or another name ("Grace" alone may be grace; "Grace Hall" is a person).
_AMBIGUOUS = {
    "grace", "rose", "hope", "mark", "bill", "will", "may", "ivy", "lily", "daisy", "ruby",
    "eden", "green", "white", "black", "brown", "gray", "hall", "hill", "wood", "woods",
    "king", "bell", "stone", "fox", "bird", "ball", "mills", "wells", "price", "grant",
    "hunt", "ford", "cook", "young", "bishop", "carter", "payne", "ward", "hart", "rogers",
    "berry", "long", "poppy", "holly", "dawn", "amber", "joy", "ray",
    "lee", "owen", "james", "thomas", "martin", "scott", "kelly", "graham", "harvey",
    "florence", "chapman", "mason", "fisher", "knight", "booth", "ross", "reid", "shaw",
}  # fmt: skip
# Words that make a run of capitals a place or body, not a person.
_PLACE_WORDS = {
    "hospital", "ward", "unit", "trust", "road", "street", "lane", "avenue", "centre",
    "center", "clinic", "surgery", "practice", "school", "college", "university", "house",
    "court", "park", "church", "hall", "infirmary", "hospice", "foundation", "nhs",
    "council", "library", "wing", "suite", "building", "station", "square", "close",
}  # fmt: skip
_PLACE_PREFIX = {"st", "saint", "royal", "queen", "king", "prince", "princess", "mount"}
_CRITICISM = re.compile(
    r"\b(?:rude|ignor\w*|dismiss\w*|shout\w*|unkind|careless|refus\w*|laugh\w*|cold|"
    r"mistake\w*|negligen\w*|awful|terrible|horrible|blam\w*|uncaring|rough\w*|"
    r"patronis\w*|belittl\w*|condescend\w*|sarcas\w*|snapp\w*|yell\w*|mock\w*|"
    r"wouldn't listen|didn't listen|never listened|would not listen|did not listen|"
    r"made me feel|humiliat\w*|bull(?:y|ied|ying)|abrupt|harsh|incompetent|lazy|"
    r"disrespect\w*|callous|insensitive|brush\w* (?:me |us |her |him )?off|unprofessional)",
    re.IGNORECASE,
)
# A full stop after Dr, Mr, Mrs, Ms, St or Prof does not end a sentence.
_SENTENCE_END = re.compile(
    r"(?<!\bDr)(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bSt)(?<!\bProf)[.!?]+(?:\s+|$)|\n+"
)


@lru_cache(maxsize=1)
def name_lists() -> tuple[frozenset[str], frozenset[str]]:
    """The first names and surnames in ``names.txt``, lower-cased."""
    first: set[str] = set()
    surname: set[str] = set()
    target = first
    text = resources.files("groundswell.stories").joinpath("names.txt").read_text("utf-8")
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line == "[first]":
            target = first
        elif line == "[surname]":
            target = surname
        else:
            target.add(line.lower())
    return frozenset(first), frozenset(surname)


def detect(text: str) -> list[Flag]:
    """Flag personal data in ``text``; flags are sorted by position.

    Kinds are those in ``KINDS``. A name inside an email address is not flagged
    again as a name; ``staff_named`` covers a staff title and name in a sentence
    that criticises, alongside the plain ``name`` flag.

    >>> [(f.kind, f.text) for f in detect("Call 07700 900123 or see Dr Patel at LS1 4AP.")]
    [('phone', '07700 900123'), ('name', 'Patel'), ('postcode', 'LS1 4AP')]
    """
    flags: list[Flag] = []
    for m in _NHS.finditer(text):
        if nhs_number_valid(m.group(1) + m.group(3) + m.group(4)):
            flags.append(Flag("nhs_number", m.start(), m.end(), m.group(0)))
    flags += [Flag("phone", m.start(), m.end(), m.group(0)) for m in _PHONE.finditer(text)]
    flags += [Flag("email", m.start(), m.end(), m.group(0)) for m in _EMAIL.finditer(text)]
    flags += [Flag("postcode", m.start(), m.end(), m.group(0)) for m in _POSTCODE.finditer(text)]
    flags += _dates(text)
    flags = [f for f in flags if not _inside_other(f, flags)]
    names = [f for f in _names(text) if not any(_overlaps(f, h) for h in flags)]
    flags += names
    flags += _staff_named(text, names)
    return sorted(flags, key=lambda f: (f.start, f.end, KINDS.index(f.kind)))


def _overlaps(a: Flag, b: Flag) -> bool:
    return a.start < b.end and b.start < a.end


def _inside_other(f: Flag, others: list[Flag]) -> bool:
    # A postcode-shaped piece of an email, or a date inside a longer number, is dropped.
    return any(
        o is not f and o.start <= f.start and f.end <= o.end and o.end - o.start > f.end - f.start
        for o in others
    )


def _dates(text: str) -> list[Flag]:
    found = [
        Flag("date_of_birth", m.start(), m.end(), m.group(0)) for m in _FULL_DATE.finditer(text)
    ]
    for cue in _BIRTH_CUE.finditer(text):
        window = text[cue.end() : cue.end() + 40]
        m = _PARTIAL_DATE.search(window)
        if m is None:
            continue
        start, end = cue.end() + m.start(), cue.end() + m.end()
        if not any(f.start <= start < f.end for f in found):
            found.append(Flag("date_of_birth", start, end, text[start:end]))
    return found


def _word_before(text: str, start: int) -> str:
    m = re.search(r"([A-Za-z]+)\.?\s+$", text[max(0, start - 20) : start])
    return m.group(1).lower() if m else ""


def _names(text: str) -> list[Flag]:
    first, surname = name_lists()
    listed = first | surname
    tokens = list(_TOKEN.finditer(text))
    # Group tokens into runs separated by one space only.
    runs: list[list[re.Match[str]]] = []
    for tok in tokens:
        if runs and text[runs[-1][-1].end() : tok.start()] == " ":
            runs[-1].append(tok)
        else:
            runs.append([tok])
    flags: list[Flag] = []
    for run in runs:
        words = [t.group(0).lower() for t in run]
        base = [w.split("'")[0] if "'" in w and not w.startswith("o'") else w for w in words]
        if base[0] in _PLACE_PREFIX or any(
            w in _PLACE_WORDS and not (w in surname and base[i - 1] in first - _AMBIGUOUS)
            for i, w in enumerate(base[1:], start=1)
        ):
            # "Queen Elizabeth Hospital" is a place; "Claire Ward" is a person.
            continue
        title_before = _word_before(text, run[0].start()) in _TITLES
        accepted = [False] * len(run)
        for i, w in enumerate(base):
            if w in _TITLES:
                continue
            prev_title = (i == 0 and title_before) or (i > 0 and base[i - 1] in _TITLES)
            prev_first = i > 0 and accepted[i - 1] and base[i - 1] in first
            neighbour_listed = (i > 0 and base[i - 1] in listed) or (
                i + 1 < len(base) and base[i + 1] in listed
            )
            if w in listed and w not in _AMBIGUOUS:
                accepted[i] = True
            elif w in listed:
                accepted[i] = prev_title or neighbour_listed
            else:
                accepted[i] = prev_title or prev_first
        i = 0
        while i < len(run):
            if not accepted[i]:
                i += 1
                continue
            j = i
            while j + 1 < len(run) and accepted[j + 1]:
                j += 1
            start, end = run[i].start(), run[j].end()
            if text[end - 2 : end] == "'s":
                end -= 2
            flags.append(Flag("name", start, end, text[start:end]))
            i = j + 1
    return flags


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((start, m.end()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _staff_named(text: str, names: list[Flag]) -> list[Flag]:
    out: list[Flag] = []
    for s, e in _sentences(text):
        if not _CRITICISM.search(text, s, e):
            continue
        for name in names:
            if not (s <= name.start < e):
                continue
            m = re.search(r"\b([A-Za-z]+)(\.?)\s+$", text[max(s, name.start - 20) : name.start])
            if m and m.group(1).lower() in _STAFF_TITLES:
                start = name.start - (len(m.group(0)))
                out.append(Flag("staff_named", start, name.end, text[start : name.end]))
    return out
