"""Turn pd_sentences.txt ({kind:text} markup) into pd_sentences.jsonl with offsets.

Run from the repository root: ``python tests/stories/data/make_pd_sentences.py``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

HERE = Path(__file__).parent
OPEN = re.compile(r"\{([a-z_]+):")


def parse(line: str) -> dict[str, object]:
    text: list[str] = []
    stack: list[tuple[str, int]] = []
    spans: list[dict[str, object]] = []
    i = 0
    while i < len(line):
        m = OPEN.match(line, i)
        if m:
            stack.append((m.group(1), len("".join(text))))
            i = m.end()
        elif line[i] == "}" and stack:
            kind, start = stack.pop()
            plain = "".join(text)
            spans.append({"kind": kind, "start": start, "end": len(plain), "text": plain[start:]})
            i += 1
        else:
            text.append(line[i])
            i += 1
    spans.sort(key=lambda s: (s["start"], s["end"]))
    return {"text": "".join(text), "spans": spans}


def main() -> None:
    lines = (HERE / "pd_sentences.txt").read_text("utf-8").splitlines()
    rows = [parse(x) for x in lines if x.strip() and not x.startswith("#")]
    with (HERE / "pd_sentences.jsonl").open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
