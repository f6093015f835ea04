# ruff: noqa: RUF001
import pytest

from clearloop.textanalysis.engine import detect_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("good", "en"),
        ("ok", "en"),
        ("not bad", "en"),
        ("Great service", "en"),
        ("terrible", "en"),
        ("Food was cold", "en"),
        ("配送很慢", "zh"),
        ("不错", "zh"),
        ("味道不错，下次还来", "zh"),
        ("美味しい", "ja"),
        ("配達が遅い", "ja"),
        ("サービス最悪", "ja"),
        ("東京駅", "ja"),
        ("Das Essen war kalt", "de"),
        ("La comida estaba fría", "es"),
        ("Très bon service", "fr"),
        ("정말 좋아요", "ko"),
        ("Спасибо большое", "ru"),
        ("Coffee was bitter and lukewarm.", "en"),
        ("Obrigado pelo atendimento", "pt"),
        ("Dank je wel voor de snelle levering", "nl"),
        ("Bardzo dobra obsługa", "pl"),
        ("Hizmet çok kötüydü", "tr"),
    ],
)
def test_short_texts(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("我的 order 还没到", "zh"),
        ("wifi 很差", "zh"),
        ("我喜欢ポケモン", "zh"),
        ("注文したのに届かない、Amazon の配送は最悪", "ja"),
        ("The app keeps crashing 太烂了 really annoying", "en"),
        ("iPhone のアプリが落ちる", "ja"),
    ],
)
def test_mixed_texts_go_to_the_script_carrying_the_content(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize("text", ["", "   ", "12345", "😀👍", "!!!"])
def test_texts_without_letters_are_undetermined(text):
    assert detect_language(text) == "und"
