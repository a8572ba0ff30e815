"""Themes found without labels against the themes people gave: ours, BERTopic, TF-IDF + k-means.

On ``data/feedback`` (10,334 NHS patient comments, each labelled by people
with one of 9 themes, ``label``, and one of 44 sub-themes, ``subcategory``),
side by side in one run:

* ours: ``groundswell.themes.find_themes`` (the engine chooses the number);
* BERTopic 0.17.4 with its default settings, given the same embeddings
  (``fit_transform(docs, embeddings)``): UMAP to 5 dimensions (15 neighbours,
  min_dist 0, cosine; seeded with the run's seed so it repeats), HDBSCAN with
  min_cluster_size 10 (leaf selection off, ``prediction_data``), c-TF-IDF;
* TF-IDF + k-means: scikit-learn's ``TfidfVectorizer`` (English stop words)
  and ``KMeans`` with as many clusters as ours found.

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


def load() -> tuple[list[str], dict[str, list[str]]]:
    with gzip.open(DATA, "rt", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    truth = {c: [r[c] for r in rows] for c in ("label", "subcategory")}
    return [r["feedback"] for r in rows], truth


def ours(texts: list[str], x: np.ndarray, seed: int, k: int | None) -> np.ndarray:
    result = find_themes(texts, embeddings=x, seed=seed)
    return np.array([UNTHEMED if a is None else a for a in result.assignments])


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
    # Warm-up: one untimed run of each on the first 2,000 comments.
    for method in METHODS.values():
        method(texts[:2000], x[:2000], 0, 10)
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in METHODS}
    header = (f"{'seed':>4}  {'method':<17}{'themes':>7}{'unthemed':>9}{'NMI label':>10}"
              f"{'NMI sub':>9}{'AMI label':>10}{'AMI sub':>9}{'ARI label':>10}{'ARI sub':>9}"
              f"{'seconds':>9}{'cpu s':>8}")  # fmt: skip
    say(header)
    for seed in range(args.repeats):
        k: int | None = None
        for name, method in METHODS.items():
            start, cpu_start = time.perf_counter(), time.process_time()
            found = method(texts, x, seed, k)
            seconds = time.perf_counter() - start
            cpu = time.process_time() - cpu_start
            result = score(found, truth) | {"seconds": seconds, "cpu": cpu}
            if name == "ours":
                k = int(result["themes"])
            runs[name].append(result)
            say(_row(str(seed), name, result))
    say("medians:")
    medians = {
        name: {key: statistics.median(r[key] for r in results) for key in results[0]}
        for name, results in runs.items()
    }
    for name, result in medians.items():
        say(_row("", name, result))
    mine = medians["ours"]
    for peer in ("BERTopic", "TF-IDF + k-means"):
        other = medians[peer]
        ratios = ", ".join(
            f"{key} {_ratio(mine[key], other[key])}"
            for key in ("NMI label", "NMI subcategory", "AMI label", "AMI subcategory")
        )
        say(f"ours against {peer}: {ratios}; wall time {_times(mine['seconds'], other['seconds'])}"
            f", CPU time {_times(mine['cpu'], other['cpu'])}")  # fmt: skip
    say(f"ours from the texts (embedding included): {mine['seconds'] + embed_seconds:.2f} s")
    if args.out:
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _times(mine: float, other: float) -> str:
    return f"{other / mine:.1f}x less" if other >= mine else f"{mine / other:.1f}x more"


def _ratio(mine: float, other: float) -> str:
    return f"{mine / other:.2f}x" if other > 0 else f"{mine:.3f} against {other:.3f}"


def _row(seed: str, name: str, r: dict[str, float]) -> str:
    return (f"{seed:>4}  {name:<17}{int(r['themes']):>7}{r['unthemed']:>9.1%}"
            f"{r['NMI label']:>10.3f}{r['NMI subcategory']:>9.3f}"
            f"{r['AMI label']:>10.3f}{r['AMI subcategory']:>9.3f}{r['ARI label']:>10.3f}"
            f"{r['ARI subcategory']:>9.3f}{r['seconds']:>9.2f}{r['cpu']:>8.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
