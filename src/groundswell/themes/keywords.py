"""Theme keywords by class-based TF-IDF (c-TF-IDF).

All texts of a theme are read as one document and each term is weighted by
Grootendorst (2022), "BERTopic", arXiv:2203.05794, eq. 1:

    W(t, c) = tf(t, c) * log(1 + A / tf(t))

where tf(t, c) is the frequency of term t in class c (L1-normalised per class,
as BERTopic's ``ClassTfidfTransformer`` does), tf(t) its frequency over all
classes and A the average number of words per class. Words and two-word
phrases count, English stop words do not; a phrase whose words are already
shown is skipped so that a label does not say the same thing twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

# Words a comment uses whatever it is about: kept out of keywords.
STOP_EXTRA = frozenset({"did", "didn", "don", "just", "really", "ve", "ll", "im", "got", "get"})
# Stop words that carry the answer in feedback ("Nothing", "No", "None") stay in.
KEEP = frozenset({"nothing", "no", "none", "never", "nobody", "cannot", "not"})


@dataclass(frozen=True)
class TermCounts:
    """How often each term occurs in each text (None: the texts have no terms at all)."""

    counts: csr_matrix | None
    vocabulary: NDArray[np.str_]

    def of(self, rows: NDArray[np.int64]) -> TermCounts:
        """The counts of these texts only, over the same terms."""
        return TermCounts(None if self.counts is None else self.counts[rows], self.vocabulary)


def term_counts(texts: Sequence[str]) -> TermCounts:
    """Words and two-word phrases of ``texts``, stop words left out, counted per text."""
    from scipy.sparse import csr_matrix
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

    vectorizer = CountVectorizer(
        ngram_range=(1, 2),
        stop_words=sorted((ENGLISH_STOP_WORDS | STOP_EXTRA) - KEEP),
        token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z]+\b",
        min_df=1 if len(texts) < 50 else 2,
    )
    try:
        counts = csr_matrix(vectorizer.fit_transform(texts))
    except ValueError:  # nothing but stop words and numbers
        return TermCounts(None, np.array([], dtype=np.str_))
    return TermCounts(counts, vectorizer.get_feature_names_out())


def class_keywords(
    texts: Sequence[str],
    labels: NDArray[np.int64],
    n_classes: int,
    *,
    top: int = 8,
    counts: TermCounts | None = None,
) -> list[tuple[str, ...]]:
    """The ``top`` most distinctive terms of each class 0..n_classes-1, best first.

    ``labels`` holds a class per text, or -1 for a text outside every class
    (it still counts towards the term frequencies, so words common everywhere
    stay undistinctive). ``counts`` (from ``term_counts``, one row per text)
    saves counting the texts again.
    """
    if n_classes == 0:
        return []
    terms = term_counts(texts) if counts is None else counts
    if terms.counts is None:
        return [() for _ in range(n_classes)]
    vocabulary = terms.vocabulary
    # One row per class (and a last row for the texts outside every class).
    rows = np.where(labels >= 0, labels, n_classes)
    from scipy.sparse import csr_matrix

    member = csr_matrix(
        (np.ones(len(rows)), (rows, np.arange(len(rows)))), shape=(n_classes + 1, len(rows))
    )
    per_class = np.asarray((member @ terms.counts).todense(), dtype=np.float64)
    weights = ctfidf(per_class, n_classes)
    return [_best_terms(weights[c], per_class[c], vocabulary, top) for c in range(n_classes)]


def ctfidf(per_class: NDArray[np.float64], n_classes: int) -> NDArray[np.float64]:
    """c-TF-IDF weights of the first ``n_classes`` rows of a class x term count matrix.

    Rows past ``n_classes`` (the unthemed texts) count in tf(t) but get no weights.

    >>> ctfidf(np.array([[3.0, 2.0, 0.0], [0.0, 1.0, 3.0]]), 2).round(3).tolist()
    [[0.55, 0.367, 0.0], [0.0, 0.229, 0.687]]
    """
    totals = per_class.sum(axis=1, keepdims=True)
    tf = np.divide(per_class, totals, out=np.zeros_like(per_class), where=totals > 0)
    term_total = per_class.sum(axis=0)
    average_words = float(totals[:n_classes].mean())
    idf = np.log(1.0 + average_words / np.maximum(term_total, 1.0))
    weights: NDArray[np.float64] = tf[:n_classes] * idf
    return weights


def _best_terms(
    weight: NDArray[np.float64], count: NDArray[np.float64], vocabulary: NDArray[np.str_], top: int
) -> tuple[str, ...]:
    chosen: list[str] = []
    shown: set[str] = set()
    # Ties go to the single word, then the term itself: the order never depends on the sort.
    words_in = np.char.count(vocabulary.astype(str), " ")
    for i in np.lexsort((vocabulary, words_in, -weight)):
        if weight[i] <= 0 or count[i] < 1:
            break
        term = str(vocabulary[i])
        words = set(term.split())
        if len(words) > 1 and words <= shown:
            continue
        if len(words) == 1 and any(term in c.split() for c in chosen):
            continue
        chosen.append(term)
        shown |= words
        if len(chosen) == top:
            break
    return tuple(chosen)


def label_of(keywords: Sequence[str], n: int = 3) -> str:
    """A short label from the first keywords: "parking · car park · spaces"."""
    return " · ".join(keywords[:n]) if keywords else "(no distinctive words)"
