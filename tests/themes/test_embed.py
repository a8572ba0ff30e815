"""Embeddings load from the wordllama wheel alone: no network, no hub, no cache folder."""

from __future__ import annotations

import socket

import numpy as np
import pytest

from groundswell.themes import embed
from groundswell.themes.embed import embed_texts, load_model


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("the network is switched off in this test")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
        monkeypatch.delenv(name, raising=False)


def test_the_model_loads_with_the_network_off(no_network, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # no cache folder to fall back on either
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    load_model.cache_clear()
    try:
        rows = embed_texts(["The car park was full.", "No spaces to park the car."])
    finally:
        load_model.cache_clear()
    assert rows.shape == (2, embed.DIMENSIONS) and rows.dtype == np.float32
    assert list(tmp_path.iterdir()) == []


def test_rows_are_unit_length_and_blank_texts_are_zero() -> None:
    rows = embed_texts(["Parking", "", "  \n ", "The food was cold", "a" * 5000])
    norms = np.linalg.norm(rows, axis=1)
    assert np.allclose(norms[[0, 3, 4]], 1.0, atol=1e-5)
    assert norms[1] == 0 and norms[2] == 0
    assert embed_texts([]).shape == (0, embed.DIMENSIONS)


def test_a_text_is_the_mean_of_its_token_vectors() -> None:
    table, tokenizer = load_model()
    text = "The nurses were kind"
    ids = tokenizer.encode(text, add_special_tokens=False).ids
    mean = table[ids].mean(axis=0)
    assert np.allclose(embed_texts([text])[0], mean / np.linalg.norm(mean), atol=1e-6)


def test_similar_sentences_are_closer_than_unrelated_ones() -> None:
    a, b, c = embed_texts(["The car park is full", "Nowhere to park my car", "The nurse was kind"])
    assert a @ b > a @ c and a @ b > b @ c


def test_each_text_is_embedded_alone() -> None:
    # Batching and padding must not leak between texts.
    together = embed_texts(["short", "a much longer sentence about the waiting room chairs"])
    assert np.allclose(together[0], embed_texts(["short"])[0], atol=1e-6)


def test_a_missing_model_package_is_a_settings_error(monkeypatch) -> None:
    from groundswell.errors import ConfigError

    monkeypatch.setattr(embed.importlib.util, "find_spec", lambda name: None)
    load_model.cache_clear()
    try:
        with pytest.raises(ConfigError, match="wordllama"):
            load_model()
    finally:
        monkeypatch.undo()
        load_model.cache_clear()


def test_missing_model_files_are_named(monkeypatch, tmp_path) -> None:
    from groundswell.errors import ConfigError

    monkeypatch.setattr(embed, "_package_folder", lambda: tmp_path)
    load_model.cache_clear()
    try:
        with pytest.raises(ConfigError, match=r"l2_supercat_256\.safetensors"):
            load_model()
    finally:
        monkeypatch.undo()
        load_model.cache_clear()
