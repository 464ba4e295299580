"""A bag-of-n-grams text classifier with normalised binary features (``tongket.TextCatNormBOW.v1``).

spaCy's ``TextCatBOW`` feeds raw n-gram counts to its linear layer, so a long paragraph
speaks louder than a short one and a repeated word counts several times. Here each distinct
lower-cased n-gram of a passage counts once, and the passage's vector is scaled to unit
length (binary features, L2 norm — what a TF-IDF-style linear classifier does, without
any state to fit). On the dev split this lifts macro-F1 by several points over counts
(README, "Model choice"); the layer, its hashing and the softmax output are spaCy's own.
"""
from __future__ import annotations

from functools import partial

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
        unigrams = model.ops.asarray(doc.to_array([LOWER]))
        grams = [unigrams] + [model.ops.ngrams(n, unigrams)
                              for n in range(2, model.attrs["ngram_size"] + 1) if n <= len(unigrams)]
        keys = xp.unique(xp.concatenate(grams))
        batch_keys.append(keys)
        batch_vals.append(xp.full(keys.shape[0], 1.0 / max(keys.shape[0], 1) ** 0.5, dtype="f"))
    lengths = model.ops.asarray([k.shape[0] for k in batch_keys], dtype="int32")
    keys = xp.concatenate(batch_keys) if batch_keys else xp.zeros((0,), dtype="uint64")
    vals = model.ops.asarray(xp.concatenate(batch_vals) if batch_vals else xp.zeros((0,)), dtype="f")
    return (keys, vals, lengths), lambda dY: []


@spacy.registry.architectures("tongket.TextCatNormBOW.v1")
def build_normalised_bow(ngram_size: int, length: int = 2**18, nO: int | None = None) -> Model:
    """spaCy's TextCatBOW.v3 (exclusive classes) with the normalised n-gram extractor."""
    length = 2 ** (length - 1).bit_length()  # SparseLinear_v2 hashes into a power of two
    sparse_linear = SparseLinear_v2(nO=nO, length=length)
    resizable_layer = resizable(sparse_linear, resize_layer=partial(
        resize_linear_weighted, fill_defaults={"b": NEG_VALUE, "W": 0}))
    features = chain(extract_normalised_ngrams(ngram_size), resizable_layer)
    output = softmax_activation()
    model = chain(with_cpu(features, features.ops), with_cpu(output, output.ops))
    if nO is not None:
        model.set_dim("nO", nO)
    model.set_ref("output_layer", sparse_linear)
    model.attrs["multi_label"] = False
    model.attrs["resize_output"] = partial(resize_and_set_ref, resizable_layer=resizable_layer)
    return model


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
