"""Bag-of-n-grams text classifiers for the two heads, built from spaCy's own parts.

spaCy's ``TextCatBOW`` feeds raw n-gram counts to its linear layer, so a long paragraph speaks
louder than a short one and a repeated word counts several times. Two other views of a passage:

- ``tongket.TextCatNormBOW.v1``: each distinct lower-cased n-gram counts once and the passage's
  vector is scaled to unit length (binary features, L2 norm);
- ``tongket.TextCatTfidfBOW.v1``: each n-gram weighs (1 + log count) × its inverse document
  frequency in the training passages, the vector scaled to unit length — what a TF-IDF linear
  classifier sees. The IDF table is fitted by ``fit_idf`` before training and saved with the
  model (the extractor's attrs), so a reloaded model weighs words as in training;
- ``tongket.TextCatDualBOW.v1``: counts and normalised features summed in one linear layer.

The layer, its hashing and the softmax output are spaCy's own; README, "Model choice", has the
dev-split measurements behind each head's choice.
"""
from __future__ import annotations

from functools import partial

import numpy as np

from .spacy_lite import spacy  # first: spaCy without its command line
from spacy.attrs import LOWER
from spacy.ml.models.textcat import NEG_VALUE, resize_and_set_ref
from spacy.ml.extract_ngrams import extract_ngrams
from thinc.api import Model, SparseLinear_v2, add, chain, resizable, softmax_activation, with_cpu
from thinc.layers.resizable import resize_linear_weighted


def extract_normalised_ngrams(ngram_size: int) -> Model:
    model: Model = Model("extract_normalised_ngrams", _forward)
    model.attrs["ngram_size"] = ngram_size
    return model


def _forward(model: Model, docs, is_train: bool):
    xp = model.ops.xp
    batch_keys, batch_vals = [], []
    for doc in docs:
        keys = xp.unique(_ngram_keys(model, doc))
        batch_keys.append(keys)
        batch_vals.append(xp.full(keys.shape[0], 1.0 / max(keys.shape[0], 1) ** 0.5, dtype="f"))
    return _sparse_batch(model, batch_keys, batch_vals), lambda dY: []


def extract_tfidf_ngrams(ngram_size: int) -> Model:
    """N-gram keys weighted by (1 + log tf) × idf, unit length. Until ``fit_idf`` runs, every
    n-gram has the same idf (the vector is then sublinear tf, normalised)."""
    model: Model = Model("extract_tfidf_ngrams", _tfidf_forward)
    model.attrs["ngram_size"] = ngram_size
    model.attrs["idf_keys"] = np.zeros(0, dtype="uint64")  # sorted n-gram keys seen in ≥ 2 passages
    model.attrs["idf_values"] = np.zeros(0, dtype="float32")
    model.attrs["idf_unseen"] = 1.0  # the weight of any other n-gram
    return model


def _ngram_keys(model: Model, doc):
    """Every n-gram key of a doc, with repeats."""
    unigrams = model.ops.asarray(doc.to_array([LOWER]))
    grams = [unigrams] + [model.ops.ngrams(n, unigrams)
                          for n in range(2, model.attrs["ngram_size"] + 1) if n <= len(unigrams)]
    return model.ops.xp.concatenate(grams)


def _tfidf_forward(model: Model, docs, is_train: bool):
    """The whole batch at once: keys sorted by (passage, key), repeats counted, weighed, and each
    passage's values scaled to unit length (per-passage numpy calls cost more than the maths)."""
    per_doc = [_ngram_keys(model, doc) for doc in docs]
    keys = np.concatenate(per_doc) if per_doc else np.zeros(0, dtype="uint64")
    owner = np.repeat(np.arange(len(docs)), [len(k) for k in per_doc])
    order = np.lexsort((keys, owner))
    keys, owner = keys[order], owner[order]
    starts = np.ones(len(keys), dtype=bool)  # where a new (passage, key) run begins
    starts[1:] = (keys[1:] != keys[:-1]) | (owner[1:] != owner[:-1])
    first = np.flatnonzero(starts)
    counts = np.diff(np.append(first, len(keys)))
    keys, owner = keys[first], owner[first]
    known, weights = model.attrs["idf_keys"], model.attrs["idf_values"]
    idf = np.full(len(keys), model.attrs["idf_unseen"])
    if len(known):
        at = np.minimum(np.searchsorted(known, keys), len(known) - 1)
        hit = known[at] == keys
        idf[hit] = weights[at[hit]]
    vals = (1.0 + np.log(counts)) * idf
    norms = np.sqrt(np.bincount(owner, weights=vals * vals, minlength=len(docs)))
    norms[norms == 0] = 1.0
    lengths = np.bincount(owner, minlength=len(docs))
    return (model.ops.asarray(keys, dtype="uint64"), model.ops.asarray((vals / norms[owner]).astype("f")),
            model.ops.asarray(lengths, dtype="int32")), lambda dY: []


def fit_idf(model: Model, docs, min_df: int = 2) -> None:
    """Fit the TF-IDF extractors inside ``model`` on training docs: idf = ln((1 + N) / (1 + df)) + 1
    (smoothed, as scikit-learn's), n-grams seen in fewer than ``min_df`` passages weighing as unseen."""
    for node in model.walk():
        if node.name != "extract_tfidf_ngrams":
            continue
        keys = [np.unique(_ngram_keys(node, doc)) for doc in docs]
        found, df = np.unique(np.concatenate(keys) if keys else np.zeros(0, dtype="uint64"), return_counts=True)
        n = len(docs)
        keep = df >= min_df
        node.attrs["idf_keys"] = found[keep].astype("uint64")
        node.attrs["idf_values"] = (np.log((1.0 + n) / (1.0 + df[keep])) + 1.0).astype("float32")
        node.attrs["idf_unseen"] = float(np.log((1.0 + n) / 1.0) + 1.0)


def _sparse_batch(model: Model, batch_keys: list, batch_vals: list):
    xp = model.ops.xp
    lengths = model.ops.asarray([k.shape[0] for k in batch_keys], dtype="int32")
    keys = xp.concatenate(batch_keys) if batch_keys else xp.zeros((0,), dtype="uint64")
    vals = model.ops.asarray(xp.concatenate(batch_vals) if batch_vals else xp.zeros((0,)), dtype="f")
    return keys, vals, lengths


def _single_view(extractor: Model, length: int, nO: int | None) -> Model:
    """spaCy's TextCatBOW.v3 (exclusive classes) with another n-gram extractor."""
    length = 2 ** (length - 1).bit_length()  # SparseLinear_v2 hashes into a power of two
    sparse_linear = SparseLinear_v2(nO=nO, length=length)
    resizable_layer = resizable(sparse_linear, resize_layer=partial(
        resize_linear_weighted, fill_defaults={"b": NEG_VALUE, "W": 0}))
    features = chain(extractor, resizable_layer)
    output = softmax_activation()
    model = chain(with_cpu(features, features.ops), with_cpu(output, output.ops))
    if nO is not None:
        model.set_dim("nO", nO)
    model.set_ref("output_layer", sparse_linear)
    model.attrs["multi_label"] = False
    model.attrs["resize_output"] = partial(resize_and_set_ref, resizable_layer=resizable_layer)
    return model


@spacy.registry.architectures("tongket.TextCatNormBOW.v1")
def build_normalised_bow(ngram_size: int, length: int = 2**18, nO: int | None = None) -> Model:
    """Normalised binary n-grams into one linear layer."""
    return _single_view(extract_normalised_ngrams(ngram_size), length, nO)


@spacy.registry.architectures("tongket.TextCatTfidfBOW.v1")
def build_tfidf_bow(ngram_size: int, length: int = 2**18, nO: int | None = None) -> Model:
    """TF-IDF-weighted n-grams (fitted by ``fit_idf``) into one linear layer."""
    return _single_view(extract_tfidf_ngrams(ngram_size), length, nO)


@spacy.registry.architectures("tongket.TextCatDualBOW.v1")
def build_dual_bow(ngram_size: int, length: int = 2**18, nO: int | None = None) -> Model:
    """One linear layer over both views of a passage: n-gram counts (spaCy's) and normalised
    binary n-grams; the two weight tables are summed before the softmax."""
    length = 2 ** (length - 1).bit_length()
    counts = chain(extract_ngrams(ngram_size, attr=LOWER), SparseLinear_v2(nO=nO, length=length))
    normalised = chain(extract_normalised_ngrams(ngram_size), SparseLinear_v2(nO=nO, length=length))
    features = add(counts, normalised)
    output = softmax_activation()
    model = chain(with_cpu(features, features.ops), with_cpu(output, output.ops))
    if nO is not None:
        model.set_dim("nO", nO)
    model.attrs["multi_label"] = False
    return model
