"""Sentence embeddings from WordLlama's static token vectors, loaded from its wheel offline.

WordLlama (Miller 2024, github.com/dleemiller/WordLlama) ships the token
embeddings of a small English model (``l2_supercat``, 256 dimensions, trained
from Llama 2's vocabulary) and its tokenizer inside the wheel. A sentence is
the mean of its tokens' vectors, L2-normalised, as ``WordLlamaInference.embed``
pools them. ``WordLlama.load()`` looks for the tokenizer under the wrong folder
and then downloads it, so both files are read here directly, and the package
itself is never imported (its import also configures the root logger).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from groundswell.errors import ConfigError

if TYPE_CHECKING:
    from tokenizers import Tokenizer

WEIGHTS = "weights/l2_supercat_256.safetensors"
TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"
DIMENSIONS = 256


def _package_folder() -> Path:
    spec = importlib.util.find_spec("wordllama")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError("the 'wordllama' package is not installed; run 'make install'")
    return Path(next(iter(spec.submodule_search_locations)))


@lru_cache(maxsize=1)
def load_model() -> tuple[NDArray[np.float32], Tokenizer]:
    """The token vectors (vocabulary x 256, float32) and the tokenizer, read once per process."""
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    folder = _package_folder()
    weights, tokenizer = folder / WEIGHTS, folder / TOKENIZER
    for path in (weights, tokenizer):
        if not path.is_file():
            raise ConfigError(f"{path}: missing from the wordllama wheel; reinstall 'wordllama'")
    (table,) = load_file(str(weights)).values()
    tok = Tokenizer.from_file(str(tokenizer))
    tok.no_padding()
    tok.no_truncation()
    return np.ascontiguousarray(table, dtype=np.float32), tok


def embed_texts(texts: Sequence[str]) -> NDArray[np.float32]:
    """One float32 row per text, L2-normalised; a blank text gets a row of zeros.

    >>> rows = embed_texts(["The car park is full", "Parking was impossible", "A kind nurse", ""])
    >>> rows.shape, bool(rows[0] @ rows[1] > rows[0] @ rows[2]), float(abs(rows[3]).sum())
    ((4, 256), True, 0.0)
    """
    table, tokenizer = load_model()
    out = np.zeros((len(texts), table.shape[1]), dtype=np.float32)
    if not texts:
        return out
    # Blank texts are not tokenized: the tokenizer would make a word-start token of spaces.
    encodings = tokenizer.encode_batch(
        [t if t.strip() else "" for t in texts], add_special_tokens=False
    )
    lengths = np.fromiter((len(e.ids) for e in encodings), dtype=np.int64, count=len(texts))
    ids = np.fromiter(
        (i for e in encodings for i in e.ids), dtype=np.int64, count=int(lengths.sum())
    )
    np.clip(ids, 0, table.shape[0] - 1, out=ids)
    has = lengths > 0
    if ids.size:
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))[has]
        # Mean pooling: the sum of each text's token vectors (np.add.reduceat over
        # the flat token list); normalising afterwards makes the mean and the sum agree.
        out[has] = np.add.reduceat(table[ids], starts, axis=0)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    return out
