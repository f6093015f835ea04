"""Language detection robust on short and mixed texts.

Scripts decide first, because on a few characters they are far more reliable than any
statistical model: hiragana or katakana mean Japanese (unless a Chinese sentence merely
quotes a katakana name), Han characters alone mean Chinese unless Japanese-only kanji,
kanji-with-okurigana patterns or Japanese punctuation say otherwise, Hangul means Korean,
and so on. Mixed texts are given to the script that carries most of the content (a CJK
character weighs about as much as a Latin word).

Latin-script text goes to py3langid (langid.py's model, shipped inside the PyPI package,
BSD-3-Clause), biased towards English on short texts: a review of three words written
with common English words is English even when the n-gram model prefers Afrikaans.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Any

_HIRAGANA = re.compile(r"[\u3041-\u309f]")
_KATAKANA = re.compile(r"[\u30a1-\u30fa\u30fc\uff66-\uff9d]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:['’][A-Za-z]+)?")  # noqa: RUF001
_SCRIPTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
    ("hi", re.compile(r"[\u0900-\u097f]")),
)

# Characters that only simplified Chinese uses (Japanese writes 們/这 differently or not at
# all) and particles that only a Chinese sentence has.
_ZH_ONLY = set(
    "们这说话个东过还没为时发买卖贵钱务员们吗呢吧啦嘛么让给对着点儿很都请谢处车门问题"
    "号订单饭菜难应该够觉得欢"
)
# Kanji forms that Japanese writes and simplified Chinese does not (shinjitai / kokuji),
# plus a few Japanese-only punctuation marks.
_JA_ONLY = set("悪価従駐様駅円気楽広売読対応変払込届営県働込辺込済単図関実検査権輸発黒渋沢畑峠枠")
_JA_PUNCT = set("「」『』・ー〜")

_ENGLISH_CUES = frozenset(
    """a an the and or but not no is was are were be been it its i me my we our you your
    they them he she this that these those of to in on at for with from by very so too
    really just good great bad terrible awful nice love hate like service food staff room
    delivery order ordered app price product support thanks thank please never again will
    would could should did didn't don't doesn't isn't wasn't can't won't ok okay fine slow
    fast late cold hot rude friendly helpful clean dirty broken refund cancel waited wait
    worst best excellent amazing poor quality customer""".split()  # noqa: SIM905
)


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=False)
    identifier.set_languages(_LATIN_CANDIDATES)
    return identifier


_LOCK = threading.Lock()
# Latin-script languages the model may answer. Rarely written ones that langid.py is known
# to pick for short English (Afrikaans, Latin, Esperanto, Volapük …) are left out.
_LATIN_CANDIDATES = [
    "en", "de", "fr", "es", "it", "pt", "nl", "sv", "da", "nn", "no", "fi", "pl", "cs",
    "sk", "hu", "ro", "tr", "id", "ms", "vi", "tl", "ca", "hr", "sl", "et", "lv", "lt", "sq",
    "eu", "gl", "is", "ga", "cy", "sw", "az", "uz", "bs", "sr", "mt",
]  # fmt: skip


def _latin_language(text: str, words: list[str]) -> str:
    lowered = [w.lower() for w in words]
    english = sum(w in _ENGLISH_CUES for w in lowered)
    accented = any(not c.isascii() for w in words for c in w)
    if english and not accented and (english * 3 >= len(lowered) or english >= 3):
        return "en"
    with _LOCK:  # the identifier keeps scratch arrays; one caller at a time
        ranked = _identifier().rank(text)
    if not ranked:
        return "und"
    best, best_score = ranked[0]
    if len(words) <= 3 and not accented:
        # Short texts: the n-gram model is close to a coin toss; keep English unless
        # another language is clearly better.
        english_score = next((s for lang, s in ranked if lang == "en"), None)
        if english_score is not None and best_score - english_score < 8.0:
            return "en"
    return str(best)


def _han_language(han: list[str], text: str) -> str:
    ja = sum(c in _JA_ONLY for c in han) + sum(c in _JA_PUNCT for c in text)
    zh = sum(c in _ZH_ONLY for c in han)
    return "ja" if ja > zh else "zh"


def detect_language(text: str) -> str:
    """ISO 639-1 code of `text`'s language ("en", "zh", "ja", …), or "und"."""
    hiragana = len(_HIRAGANA.findall(text))
    katakana = len(_KATAKANA.findall(text))
    han = _HAN.findall(text)
    hangul = len(_HANGUL.findall(text))
    words = _LATIN_WORD.findall(text)
    cjk = hiragana + katakana + len(han)
    others = [(len(pattern.findall(text)), code) for code, pattern in _SCRIPTS]
    other_count, other_code = max(others)
    # Weights: a CJK or Hangul character carries about as much as a Latin word.
    latin_weight = sum(min(len(w), 6) for w in words) / 3.5
    if max(cjk, hangul, other_count, latin_weight) == 0:
        return "und"
    if cjk and cjk >= latin_weight and cjk >= hangul and cjk >= other_count:
        if hiragana:
            return "ja"
        if katakana:
            # Chinese quotes the odd katakana name; a kana text without Chinese-only
            # characters is Japanese.
            zh = sum(c in _ZH_ONLY for c in han)
            ja = sum(c in _JA_ONLY for c in han)
            return "zh" if zh > ja else "ja"
        return _han_language(han, text)
    if hangul and hangul >= latin_weight and hangul >= other_count:
        return "ko"
    if other_count and other_count >= latin_weight / 2:
        return other_code
    return _latin_language(text, words)
