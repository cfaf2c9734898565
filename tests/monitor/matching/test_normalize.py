"""Folding, repair of hostile text with an offset map, and the scan view."""

import pytest

from monitor.matching.normalize import fold, needs_repair, prepare, resolve_lookalikes, scan_view


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GÜLNARƏ", "gulnare"),
        ("MEHDİYEVA", "mehdiyeva"),
        ("QURBANLI", "qurbanli"),
        ("Çələbiyeva", "celebiyeva"),
        ("Kёнуль", "кенуль"),
        ("Гюльнары", "гюльнары"),
        ("Meh\u00addi\u200byeva", "mehdiyeva"),
        ("Gu\u0308lnarə", "gulnare"),
        ("ＧＵＬＮＡＲＡ", "gulnara"),
        ("Mеhdiyeva", "mehdiyeva"),
    ],
)
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_lookalikes_follow_the_word_majority() -> None:
    assert resolve_lookalikes("Mеhdiyeva") == "Mehdiyeva"  # Cyrillic е in a Latin word
    assert resolve_lookalikes("Мехдиевa") == "Мехдиева"  # Latin a in a Cyrillic word
    assert resolve_lookalikes("Gülnarә") == "Gülnarə"  # Cyrillic schwa
    assert resolve_lookalikes("Сора") == "Сора"  # all look-alikes: nothing to decide


@pytest.mark.parametrize(
    "text",
    [
        "Gül\u200bnarə",
        "Meh\u00addiyeva",
        "Gu\u0308lnarə",
        "Mеhdiyeva",
        "Мехдиевa",
        "𝐆𝐮𝐥𝐧𝐚𝐫𝐚",
        "ＧＵＬＮＡＲＡ",
        "Gülnarǝ",
    ],
)
def test_hostile_text_is_repaired_with_offsets(text: str) -> None:
    assert needs_repair(text)
    prepared = prepare("x " + text + " y")
    start, end = prepared.to_original(2, len(prepared.text) - 2)
    assert ("x " + text + " y")[start:end] == text


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        ("MEHDİYE-\nVA", "MEHDİYEVA"),
        ("РАХМА-\nНОВ", "РАХМАНОВ"),
        ("Rakhma-\nnov", "Rakhmanov"),
        ("Ширинбе-\n\nкова", "Ширинбекова"),  # text recognition left a blank line between
    ],
)
def test_a_word_hyphenated_across_a_line_break_is_joined(text: str, joined: str) -> None:
    """OCR of posters and scanned papers breaks words at line ends: the matcher must see them
    whole, and the offsets still lead back to the original."""
    assert needs_repair(text)
    prepared = prepare(f"x {text} y")
    assert prepared.text == f"x {joined} y"
    assert prepared.to_original(2, 2 + len(joined)) == (2, 2 + len(text))


@pytest.mark.parametrize(
    "text",
    [
        "Gülnarə Mehdiyeva",
        "Гюльнара Мехдиева",
        "plain ascii",
        "«Цитата» — тире",
        "a list -\nb",
        "-\n\nb",
    ],
)
def test_clean_text_is_left_alone(text: str) -> None:
    assert not needs_repair(text)
    assert prepare(text).pieces == ()


def test_lower_case_text_is_title_cased_in_place() -> None:
    prepared = prepare("gülnarə mehdiyeva və ismayıl")
    assert prepared.text == "Gülnarə Mehdiyeva Və Ismayıl"


def test_scan_view_keeps_length_and_maps_separators() -> None:
    text = "«Гюльнара\u00a0Мехдиева» (050) 555-12-07, @sabina_q http://t.me/x\n“Quote”"
    view = scan_view(text)
    assert len(view) == len(text) + 1
    assert view == "  Гюльнара Мехдиева   050  555 12 07  @sabina.q http @@t.me@x  Quote "
