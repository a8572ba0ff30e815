"""Themes found without labels against the themes people gave: ours, BERTopic, TF-IDF + k-means.

On ``data/feedback`` (10,334 NHS patient comments, each labelled by people
with one of 9 themes, ``label``, and one of 44 sub-themes, ``subcategory``),
side by side in one run:

* ours: ``groundswell.themes.find_themes`` (the engine chooses the number),
  one run giving two levels: its themes, and its sub-themes (each theme of
  at least twice the smallest theme's size split by Leiden on its own part
  of the neighbour graph; a comment in its theme but in no sub-theme counts
  as that theme's "general" group);
* BERTopic 0.17.4 with its default settings, given the same embeddings
  (``fit_transform(docs, embeddings)``): UMAP to 5 dimensions (15 neighbours,
  min_dist 0, cosine; seeded with the run's seed so it repeats), HDBSCAN with
  min_cluster_size 10 (leaf selection off, ``prediction_data``), c-TF-IDF;
* TF-IDF + k-means: scikit-learn's ``TfidfVectorizer`` (English stop words)
  and ``KMeans`` with as many clusters as ours found: as many as our themes
  ("TF-IDF + k-means"), and as many as our groups one level down, sub-themes
  and general groups ("TF-IDF+k-means sub").

Compared like with like: our themes against the people's 9 themes
(``label``) and our sub-themes against their 44 sub-themes
(``subcategory``); BERTopic has one level only (about 200 topics), scored
against both. The one-level rows and ratios of earlier runs (our themes
against both columns) are printed too.

Agreement with the people's themes is the normalised mutual information
(arithmetic mean normalisation; Vinh, Epps & Bailey 2010, JMLR 11) and the
adjusted Rand index (Hubert & Arabie 1985) over every comment, an unthemed
comment (BERTopic's topic -1) counting as one more group, so that leaving
comments out is not free. NMI grows with the number of groups whatever they
hold, so the adjusted mutual information (AMI, corrected for chance; Vinh,
Epps & Bailey 2010) is printed too. Times are wall seconds, and CPU seconds
of this process over all its threads (steadier on a shared machine), from embeddings to themes
(the embeddings, shared by ours and BERTopic, are timed once on their own);
each side is warmed up first (BERTopic's numba code compiles on first use),
then run with seeds 0..repeats-1, and the medians are printed with ratios.

Usage::

    .venv/bin/python benchmarks/themes.py [--repeats 3] [--out FILE]

The peers are benchmark-only: ``make bench`` installs the ``bench`` extra
(umap-learn, hdbscan, pandas, plotly) and then ``uv pip install --no-deps
bertopic==0.17.4``; ``--no-deps`` because BERTopic requires
sentence-transformers and so torch, which it does not use when it is given
embeddings. Data: MIT, NHS England (data/feedback/SOURCE.txt).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import os
import statistics
import sys
import time
import types
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
from sklearn.metrics import (
    adjusted_mutual_info_score,
    adjusted_rand_score,
    normalized_mutual_info_score,
)

from groundswell.themes import embed_texts, find_themes

DATA = Path(__file__).resolve().parents[1] / "data" / "feedback" / "fft-phase1-text-data.csv.gz"
UNTHEMED = -1
SUB = "ours sub-themes"
KMEANS_SUB = "TF-IDF+k-means sub"


def load() -> tuple[list[str], dict[str, list[str]]]:
    with gzip.open(DATA, "rt", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    truth = {c: [r[c] for r in rows] for c in ("label", "subcategory")}
    return [r["feedback"] for r in rows], truth


def ours(texts: list[str], x: np.ndarray, seed: int, k: int | None) -> np.ndarray:
    """Two rows: each comment's theme, and its sub-theme or its theme's general group."""
    result = find_themes(texts, embeddings=x, seed=seed)
    themes = np.array([UNTHEMED if a is None else a for a in result.assignments])
    general = len(texts)  # general groups numbered after every sub-theme id
    sub = np.array([
        UNTHEMED if a is None else (general + a if s is None else s)
        for a, s in zip(result.assignments, result.sub_assignments, strict=True)
    ])  # fmt: skip
    return np.vstack([themes, sub])


def tfidf_kmeans(texts: list[str], x: np.ndarray, seed: int, k: int | None) -> np.ndarray:
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix = TfidfVectorizer(stop_words="english").fit_transform(texts)
    return KMeans(n_clusters=k or 2, random_state=seed).fit_predict(matrix)


def bertopic(texts: list[str], x: np.ndarray, seed: int, k: int | None) -> np.ndarray:
    model = _bertopic_model(seed)
    topics, _ = model.fit_transform(texts, embeddings=x)
    return np.asarray(topics)


def _bertopic_model(seed: int):  # type: ignore[no-untyped-def]
    # BERTopic imports sentence_transformers at module level for its default
    # embedder; it is given embeddings here, so an empty module stands in and
    # torch is never installed.
    if "sentence_transformers" not in sys.modules:
        try:
            import sentence_transformers  # noqa: F401
        except ImportError:
            stub = types.ModuleType("sentence_transformers")
            stub.SentenceTransformer = object  # type: ignore[attr-defined]
            sys.modules["sentence_transformers"] = stub
    from bertopic import BERTopic
    from umap import UMAP

    # BERTopic's own default UMAP, with a seed so that runs repeat.
    umap = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed)
    return BERTopic(umap_model=umap, min_topic_size=10, calculate_probabilities=False)


METHODS: dict[str, Callable[[list[str], np.ndarray, int, int | None], np.ndarray]] = {
    "ours": ours,
    "BERTopic": bertopic,
    "TF-IDF + k-means": tfidf_kmeans,
}


def score(found: np.ndarray, truth: dict[str, list[str]]) -> dict[str, float]:
    out = {"themes": float(len(set(found.tolist()) - {UNTHEMED}))}
    out["unthemed"] = float(np.mean(found == UNTHEMED))
    for column, labels in truth.items():
        out[f"NMI {column}"] = normalized_mutual_info_score(labels, found)
        out[f"ARI {column}"] = adjusted_rand_score(labels, found)
        out[f"AMI {column}"] = adjusted_mutual_info_score(labels, found)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    lines: list[str] = []

    def say(line: str) -> None:
        print(line, flush=True)
        lines.append(line)

    texts, truth = load()
    start = time.perf_counter()
    x = embed_texts(texts)
    embed_seconds = time.perf_counter() - start
    load_avg = os.getloadavg()[0]
    say(f"# benchmarks/themes.py --repeats {args.repeats}, {time.strftime('%Y-%m-%d')}, "
        f"{os.cpu_count()} cores, load average {load_avg:.1f}")  # fmt: skip
    say(f"{len(texts):,} comments; {len(set(truth['label']))} themes and "
        f"{len(set(truth['subcategory']))} sub-themes given by people; "
        f"embedding them all (WordLlama l2_supercat 256, shared): "
        f"{embed_seconds:.2f} s")  # fmt: skip
    say("# rows: 'ours' is our themes; 'ours sub-themes' our second level from the same run "
        "(each comment's sub-theme, or its theme's general group when in none; 'themes' counts "
        "those groups); 'BERTopic' its topics, one level; 'TF-IDF + k-means' with k = our "
        "themes, 'TF-IDF+k-means sub' with k = our second-level groups")  # fmt: skip
    say("# every row is scored against both people's columns; like with like is our themes "
        "against label (9) and our sub-themes against subcategory (44); unthemed = one more "
        "group")  # fmt: skip
    say("# ours: modularity's own resolution (1.0) at both levels, smallest theme and "
        "sub-theme 0.5% of the comments; nothing chosen by looking at people's labels")  # fmt: skip
    # Warm-up: one untimed run of each on the first 2,000 comments.
    for method in METHODS.values():
        method(texts[:2000], x[:2000], 0, 10)
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in METHODS}
    header = (f"{'seed':>4}  {'method':<20}{'themes':>7}{'unthemed':>9}{'NMI label':>10}"
              f"{'NMI sub':>9}{'AMI label':>10}{'AMI sub':>9}{'ARI label':>10}{'ARI sub':>9}"
              f"{'seconds':>9}{'cpu s':>8}")  # fmt: skip
    say(header)
    runs |= {SUB: [], KMEANS_SUB: []}
    for seed in range(args.repeats):
        k: int | None = None
        k_sub: int | None = None
        for name, method in METHODS.items():
            start, cpu_start = time.perf_counter(), time.process_time()
            found = method(texts, x, seed, k)
            seconds = time.perf_counter() - start
            cpu = time.process_time() - cpu_start
            times = {"seconds": seconds, "cpu": cpu}
            if name == "ours":
                found, sub = found
                # One run gives both levels: the sub-theme row carries the same time.
                runs[SUB].append(score(sub, truth) | times)
                k = len(set(found.tolist()) - {UNTHEMED})
                k_sub = int(runs[SUB][-1]["themes"])
            result = score(found, truth) | times
            runs[name].append(result)
            say(_row(str(seed), name, result))
            if name == "ours":
                say(_row(str(seed), SUB, runs[SUB][-1]))
        start, cpu_start = time.perf_counter(), time.process_time()
        found = tfidf_kmeans(texts, x, seed, k_sub)
        times = {"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu_start}
        runs[KMEANS_SUB].append(score(found, truth) | times)
        say(_row(str(seed), KMEANS_SUB, runs[KMEANS_SUB][-1]))
    say("medians:")
    medians = {
        name: {key: statistics.median(r[key] for r in results) for key in results[0]}
        for name, results in runs.items()
    }
    for name in ("ours", SUB, "BERTopic", "TF-IDF + k-means", KMEANS_SUB):
        say(_row("", name, medians[name]))
    say("one level (our themes against both columns, as in earlier runs):")
    mine = medians["ours"]
    for peer in ("BERTopic", "TF-IDF + k-means"):
        other = medians[peer]
        ratios = ", ".join(
            f"{key} {_ratio(mine[key], other[key])}"
            for key in ("NMI label", "NMI subcategory", "AMI label", "AMI subcategory")
        )
        say(f"ours against {peer}: {ratios}; wall time {_times(mine['seconds'], other['seconds'])}"
            f", CPU time {_times(mine['cpu'], other['cpu'])}")  # fmt: skip
    say("two levels (our themes against label, our sub-themes against subcategory):")
    two = {"label": medians["ours"], "subcategory": medians[SUB]}
    peers = {
        "BERTopic (one level)": {"label": medians["BERTopic"], "subcategory": medians["BERTopic"]},
        "TF-IDF + k-means (as many groups at each level)": {
            "label": medians["TF-IDF + k-means"],
            "subcategory": medians[KMEANS_SUB],
        },
    }
    for peer, theirs in peers.items():
        ratios = ", ".join(
            _versus(f"{measure} {column}", two[column], theirs[column])
            for measure in ("NMI", "AMI")
            for column in ("label", "subcategory")
        )
        say(f"ours against {peer}: {ratios}")
    say(f"ours from the texts (embedding included): {mine['seconds'] + embed_seconds:.2f} s")
    if args.out:
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _versus(key: str, mine: dict[str, float], other: dict[str, float]) -> str:
    return f"{key} {mine[key]:.4f} against {other[key]:.4f} ({_ratio(mine[key], other[key], 3)})"


def _times(mine: float, other: float) -> str:
    return f"{other / mine:.1f}x less" if other >= mine else f"{mine / other:.1f}x more"


def _ratio(mine: float, other: float, places: int = 2) -> str:
    return f"{mine / other:.{places}f}x" if other > 0 else f"{mine:.3f} against {other:.3f}"


def _row(seed: str, name: str, r: dict[str, float]) -> str:
    return (f"{seed:>4}  {name:<20}{int(r['themes']):>7}{r['unthemed']:>9.1%}"
            f"{r['NMI label']:>10.3f}{r['NMI subcategory']:>9.3f}"
            f"{r['AMI label']:>10.3f}{r['AMI subcategory']:>9.3f}{r['ARI label']:>10.3f}"
            f"{r['ARI subcategory']:>9.3f}{r['seconds']:>9.2f}{r['cpu']:>8.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
