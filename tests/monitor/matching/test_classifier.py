"""Kinds, distance weighting, reporting context, severity and explanations."""

from dataclasses import replace

import pytest

from monitor.errors import UserError
from monitor.matching import Matcher, Registration, analyse, classify, explain
from monitor.matching.classifier import ADDRESSED, CARD_TERM, PLATE_TERM
from monitor.matching.lexicon import Lexicon, parse, read

PEOPLE = [
    Registration(
        1, ("Aysel Nəcəfova", "Aysel Najafova", "Айсель Наджафова"), phones=("+994552187734",)
    ),
    Registration(2, ("Tural Ağayev", "Tural Aghayev", "Турал Агаев")),
]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.build(PEOPLE)


def kinds(matcher: Matcher, text: str) -> dict[int, str]:
    return {m.activist_id: m.kind for m in analyse(matcher, text)}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Aysel Nəcəfova qrantyeyən xaindir, xalqını satan bu qadın əxlaqsızdır.", "smear"),
        ("Айсель Наджафова — предательница и грантоедка на службе Запада.", "smear"),
        ("Aysel Najafova is a traitor and a foreign agent who despises our traditions.", "smear"),
        ("Aysel Nəcəfovanın intim yazışmaları əlimizə keçib, hamısını paylaşırıq.", "leak"),
        ("Слитые интимные фото Айсель Наджафовой: смотрите по ссылке в закрепе.", "leak"),
        ("Leaked: private chats of Aysel Najafova. Screenshots below.", "leak"),
        (
            "Aysel Nəcəfova Xətai rayonunda yaşayır, ünvanı: Babək prospekti 5, mənzil 12.",
            "doxxing",
        ),
        (
            "Айсель Наджафова проживает по адресу: улица Низами, дом 3, кв. 8. Звоните ей.",
            "doxxing",
        ),
        (
            "Aysel Najafova lives at 12 Nizami Street, third floor. Her number: +994 55 218 77 34.",
            "doxxing",
        ),
        ("Aysel Nəcəfova, harada yaşadığını bilirik. Susmasan, peşman olacaqsan.", "threat"),
        ("Айсель Наджафова, мы знаем, где ты живёшь. Это последнее предупреждение.", "threat"),
        (
            "Aysel Najafova, you were warned. We know where you live and we will be waiting.",
            "threat",
        ),
        ("Instagram-da Aysel Nəcəfovanın adından saxta hesab açılıb.", "impersonation"),
        ("Фейковый аккаунт выдаёт себя за Айсель Наджафову.", "impersonation"),
        ("A fake account claims to be Aysel Najafova and asks for money.", "impersonation"),
        (
            "Aysel Najafova warns of a phishing page asking for your password and SMS codes.",
            "phishing",
        ),
        ("Aysel Nəcəfova beynəlxalq mükafata layiq görülüb.", "mention"),
        ("Айсель Наджафова выступила на конференции в Женеве.", "mention"),
        ("Aysel Najafova spoke at a conference on women's rights.", "mention"),
    ],
)
def test_kind_by_language(matcher: Matcher, text: str, kind: str) -> None:
    assert kinds(matcher, text) == {1: kind}


def test_the_model_reads_a_lure_the_lexicons_have_few_words_for(matcher: Matcher) -> None:
    """A "compensation" lure: the lexicons see only "данные" and "ссылка" (phishing cue score
    0.1), the kind model's phishing class reads the rest."""
    text = (
        "Уважаемая Айсель Наджафова, вам положена компенсация. Для получения перейдите по "
        "ссылке и укажите данные карты: kompensaciya.example"
    )
    [mention] = analyse(matcher, text)
    assert mention.cue_scores["phishing"] < 0.5
    assert mention.kind == "phishing"
    assert mention.score == mention.scores["phishing"]


def test_phishing_the_cues_name_stays_phishing_whatever_the_model_says(matcher: Matcher) -> None:
    """Trained on corpora that label reports of lures as mentions, the model alone reads this
    lure, which the password and SMS-code phrases name, as a threat (see `CUES_DECIDE`)."""
    text = "Aysel Najafova, your account will be suspended: confirm your password and SMS code."
    [mention] = analyse(matcher, text)
    assert mention.kind == "phishing"
    assert mention.score == mention.cue_scores["phishing"]


def test_reporting_on_a_smear_campaign_is_a_mention(matcher: Matcher) -> None:
    text = (
        "Проправительственные сайты называют Айсель Наджафову «предательницей». "
        "Правозащитники осудили травлю."
    )
    [mention] = analyse(matcher, text)
    assert mention.kind == "mention"
    assert mention.cue_scores["smear"] > 0
    assert mention.context > 0.5


def test_cue_next_to_the_name_counts_more_than_one_paragraphs_away(matcher: Matcher) -> None:
    near = "Aysel Nəcəfova xaindir. Bu gün hava yaxşıdır."
    far = "Aysel Nəcəfova danışdı. Bu gün hava yaxşıdır.\n\nBaşqa xəbər: o xaindir."
    [a] = analyse(matcher, near)
    [b] = analyse(matcher, far)
    [cue_a] = [c for c in a.cues if c.term == "xain*"]
    [cue_b] = [c for c in b.cues if c.term == "xain*"]
    assert cue_a.contribution > 2 * cue_b.contribution
    assert cue_a.distance < cue_b.distance


def test_a_reply_in_a_thread_counts_more_than_a_paragraph_of_an_article(
    matcher: Matcher,
) -> None:
    """The lines of a comment thread answer one another: a cue in a reply that does not repeat
    the name counts as one in a short post would, not as in another paragraph of an article."""
    filler = "Şəhərdə yeni park açılıb, sakinlər buna sevinir, uşaqlar da oynayır. " * 6
    article = f"{filler}\nAysel Nəcəfova çıxış edib.\nBaşqa xəbər: o xaindir.\n{filler}"
    thread = (
        f"vusal | 16:02: {filler}\norxan | 16:12: Aysel Nəcəfova çıxış edib.\n"
        f"leyla | 16:20: o xaindir.\nnuray | 16:31: {filler}"
    )
    [cue_article] = [c for c in analyse(matcher, article)[0].cues if c.term == "xain*"]
    [cue_thread] = [c for c in analyse(matcher, thread)[0].cues if c.term == "xain*"]
    assert cue_thread.contribution > 2 * cue_article.contribution


@pytest.mark.parametrize(
    ("text", "plate"),
    [
        ("Tural Ağayev ağ Kia sürür, 10-AS-218, hər axşam parkdadır.", "10-AS-218"),
        ("Tural Aghayev drives a grey Lada, 90 TB 512.", "90 TB 512"),
        ("Турал Агаев ездит на машине А123ВС 77, стоит у дома.", "А123ВС 77"),
        ("Турал Агаев: номер машины О777ОО177.", "О777ОО177"),
    ],
)
def test_a_registration_plate_near_the_person_is_doxxing_evidence(
    matcher: Matcher, text: str, plate: str
) -> None:
    [mention] = analyse(matcher, text)
    [cue] = [c for c in mention.cues if c.term == PLATE_TERM]
    assert (cue.kind, text[cue.start : cue.end]) == ("doxxing", plate)


@pytest.mark.parametrize(
    "text",
    [
        "Tural Ağayev 2024-AB-2025 layihəsində, 10-AS-2185 sənədində.",
        "Tural Aghayev scored 3 goals in 90 minutes, room 12 AB 300x.",
    ],
)
def test_codes_that_only_resemble_plates_are_not_plates(matcher: Matcher, text: str) -> None:
    [mention] = analyse(matcher, text)
    assert all(c.term != PLATE_TERM for c in mention.cues)


@pytest.mark.parametrize(
    ("text", "card"),
    [
        ("Mən Tural Ağayevəm, köhnə kartım bloklanıb, bu karta köçürün: 4127 6603 9150 2288", True),
        ("Турал Агаев просит помочь: 5522-0390-1184-6627.", True),
        ("Tural Ağayev: 4127 6603-9150 2288, 055 930 17 42, 2024 2025", False),
        ("Tural Ağayev: sifariş 14127 6603 9150 2288 nömrəli", False),
    ],
)
def test_a_payment_card_number_near_the_person_is_an_impersonation_cue(
    matcher: Matcher, text: str, card: bool
) -> None:
    """Fund-raising scams in a person's name ask for money to a "new card"."""
    [mention] = analyse(matcher, text)
    found = [c for c in mention.cues if c.term == CARD_TERM]
    assert [c.kind for c in found] == (["impersonation"] if card else [])


def test_cues_go_to_the_person_they_stand_next_to(matcher: Matcher) -> None:
    text = "Aysel Nəcəfova mükafat alıb.\n\nTural Ağayev isə qrantyeyən xaindir, satqındır."
    assert kinds(matcher, text) == {1: "mention", 2: "smear"}


def test_negation_weakens_a_smear_cue(matcher: Matcher) -> None:
    [plain] = analyse(matcher, "Айсель Наджафова предатель.")
    [negated] = analyse(matcher, "Айсель Наджафова не предатель.")
    assert negated.cue_scores["smear"] < plain.cue_scores["smear"]


def test_published_phone_number_is_doxxing_evidence(matcher: Matcher) -> None:
    [mention] = analyse(matcher, "Aysel Nəcəfova: 055 218 77 34. Zəng edin!")
    assert mention.kind == "doxxing"
    assert any(c.term == "<phone of the person>" and c.lang == "*" for c in mention.cues)


def test_severity_follows_kind_and_evidence(matcher: Matcher) -> None:
    [neutral] = analyse(matcher, "Aysel Najafova spoke at a conference.")
    [threat] = analyse(
        matcher,
        "Aysel Najafova, this is your last warning. We know where you live. "
        "Delete your posts or else you will regret it. We will kill you.",
    )
    assert neutral.severity == "info"
    assert threat.kind == "threat"
    assert threat.severity == "critical"


def test_cues_are_ordered_strongest_first_with_offsets(matcher: Matcher) -> None:
    text = "Aysel Nəcəfovanın intim videosu yayıldı, paylaşın!"
    [mention] = analyse(matcher, text)
    contributions = [c.contribution for c in mention.cues]
    assert contributions == sorted(contributions, reverse=True)
    assert text[mention.cues[0].start : mention.cues[0].end].lower().startswith("intim")
    assert set(mention.cue_scores) == {
        "smear",
        "leak",
        "doxxing",
        "threat",
        "impersonation",
        "phishing",
        "mention",
    }
    # The kind model decided: its probabilities, the kind's the highest.
    assert sum(mention.scores.values()) == pytest.approx(1, abs=0.01)
    assert mention.kind == "leak" == max(mention.scores, key=lambda k: mention.scores[k])
    assert mention.score == mention.scores["leak"]


def test_classify_needs_hits() -> None:
    with pytest.raises(ValueError):
        classify("text", [])


def test_explain_says_what_matched_and_why(matcher: Matcher) -> None:
    text = "Интимная переписка Айсель Наджафовой опубликована."
    [mention] = analyse(matcher, text)
    lines = explain(mention, text)
    assert lines[0].startswith("activist 1: leak")
    assert "matched 'Айсель Наджафовой' as name (as registered, case ending -ой)" in lines[1]
    assert any("cue 'Интимная'" in line and "→ leak" in line for line in lines)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"smear": {"xain*": 2}}, "weight"),
        ({"nonsense": {"xain": 0.5}}, "unknown section"),
        ({"smear": {"a* b": 0.5}}, "not a term"),
    ],
)
def test_bad_lexicon_entries_are_refused(document: dict, message: str) -> None:
    with pytest.raises(UserError, match=message):
        parse(document, "az")


def test_a_term_listed_twice_is_refused() -> None:
    """YAML would keep the second weight without a word."""
    with pytest.raises(UserError, match="listed twice"):
        read("threat:\n  axırın: 0.7\n  axırın: 0.5\n", "az")


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        (
            parse({"doxxing": {"живёт одна": 0.85, "живет одна": 0.85}}, "ru"),
            "once folded; list it once",
        ),
        (parse({"leak": {"Video*": 0.3, "video*": 0.35}}, "en"), "once folded; list it once"),
        (
            [*parse({"leak": {"video*": 0.3}}, "az"), *parse({"leak": {"video*": 0.3}}, "en")],
            r"'video\*' \(az\) once folded; list it once",
        ),
    ],
)
def test_spellings_that_fold_alike_are_refused(terms: list, message: str) -> None:
    """Both would match every occurrence and count it twice, in one language or in two."""
    with pytest.raises(UserError, match=message):
        Lexicon(terms)


def test_one_term_in_two_sections_is_kept() -> None:
    lexicon = Lexicon(
        parse({"leak": {"dərc edəcəyik": 0.6}, "threat": {"dərc edəcəyik": 0.7}}, "az")
    )
    assert {t.section for t in lexicon.terms} == {"leak", "threat"}


def test_custom_lexicon_and_suffix_terms() -> None:
    lexicon = Lexicon(parse({"threat": {"*masan": 0.9}}, "az"))
    matcher = Matcher.build(PEOPLE)
    hits = matcher.find("Tural Ağayev, dayandırmasan görərsən.")
    mention = classify("Tural Ağayev, dayandırmasan görərsən.", hits, lexicon)
    assert mention.kind == "threat"
    assert mention.cues[0].term == "*masan"


def test_scare_quotes_are_a_smear(matcher: Matcher) -> None:
    text = "Aysel Najafova and her 'human rights' work, her “independent journalism”. Enough."
    [mention] = analyse(matcher, text)
    assert mention.kind == "smear"
    assert {c.term for c in mention.cues} >= {"“human rights”", "“independent journalism”"}


def test_capitalised_or_long_quotations_are_not_scare_quotes(matcher: Matcher) -> None:
    text = (
        "Aysel Najafova spoke at the 'Open Doors' forum of “Free Voices”. She said: "
        "“we will keep publishing what the courts decide, whatever it costs us”."
    )
    [mention] = analyse(matcher, text)
    assert mention.kind == "mention"
    assert not [c for c in mention.cues if c.term.startswith("“")]


def test_private_life_with_a_hint_of_menace_is_a_threat(matcher: Matcher) -> None:
    text = "Айсель Наджафова, ты ведь забираешь дочку из садика в пять? Осенью рано темнеет."
    [mention] = analyse(matcher, text)
    assert mention.kind == "threat"
    assert {c.kind for c in mention.cues} >= {"private", "threat"}


def test_private_life_without_menace_is_not_a_threat(matcher: Matcher) -> None:
    text = "Aysel Najafova spoke about raising her daughter while her children were at school."
    [mention] = analyse(matcher, text)
    assert mention.kind != "threat"
    assert mention.cue_scores["threat"] < 0.5


@pytest.mark.parametrize(
    ("smear", "doxxing", "kind"),
    [(0.8, 0.75, "doxxing"), (0.9, 0.6, "smear"), (0.6, 0.3, "smear")],
)
def test_a_close_call_goes_to_the_more_severe_kind(smear: float, doxxing: float, kind: str) -> None:
    lexicon = Lexicon(parse({"smear": {"xain": smear}, "doxxing": {"ünvan": doxxing}}, "az"))
    text = "Tural Ağayev xain, ünvan bəllidir."
    mention = classify(text, Matcher.build(PEOPLE).find(text), lexicon, rules_only=True)
    assert mention.kind == kind


@pytest.mark.parametrize(
    "text",
    [
        "Aysel Nəcəfova ayın sonunda Bakıya qayıdır.",
        "Aysel Nəcəfova ayın sonunu gözləyir.",
        "Aysel Nəcəfova ilin axırını Bakıda keçirəcək.",
    ],
)
def test_the_end_of_the_month_is_no_threat(matcher: Matcher, text: str) -> None:
    """ "Sonun", "axırın" ("your end") threaten; the end of a month or a year does not."""
    [mention] = analyse(matcher, text)
    assert not [c for c in mention.cues if c.kind == "threat"], mention.cues
    assert mention.kind == "mention"


def test_explain_says_where_the_person_stands_among_those_found(matcher: Matcher) -> None:
    text = "Aysel Nəcəfova warns of a fake page in her name; Tural Ağayev reported it."
    tural = next(m for m in analyse(matcher, text) if m.activist_id == 2)
    told = replace(tural, reasons=(("people:minor", 1.2), ("people:alone", 0.4)))
    [why] = [line for line in explain(told, text) if "mostly for" in line]
    assert why.endswith("named less often than another person +1.20, the only person found +0.40")


def test_a_sentence_addressing_the_person_is_a_hint_of_menace(matcher: Matcher) -> None:
    """A hint, not a threat on its own: the cues leave it a mention, and the kind model, which
    has seen hostile channels address their targets, may read a threat in it but is never sure
    of one that rests on the hint alone (no high severity)."""
    text = "Tural Ağayev, bu gün nə yazacaqsan?"
    [addressed] = analyse(matcher, text)
    [told_about] = analyse(matcher, "Bu gün Tural Ağayev, deyəsən, yenə yazacaq.")
    assert [c.term for c in addressed.cues if c.kind == "threat"] == [ADDRESSED]
    assert classify(text, matcher.find(text), rules_only=True).kind == "mention"
    assert addressed.severity in ("info", "low", "medium")
    assert not [c for c in told_about.cues if c.term == ADDRESSED]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (
            "Турал Агаев завёл новый канал: t.me/tural_aghayev_official. Подписывайтесь!",
            "impersonation",
        ),
        (
            "Tural Aghayev finally speaks: follow @aghayev_tural_real for the truth.",
            "impersonation",
        ),
        ("Tural Ağayev interview; he also mentioned his colleague @sabina_mirza.", "mention"),
    ],
)
def test_an_unregistered_account_named_like_the_person_is_impersonation(
    matcher: Matcher, text: str, kind: str
) -> None:
    [mention] = analyse(matcher, text)
    assert mention.kind == kind


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("Письмо пришло с адреса tural.aghayev.press@mailbox.example.", True),
        ("Məktub tural.agayev1990@mailbox.example ünvanından göndərilib.", True),
        ("Redaksiyanın ünvanı: info@azadsoz.example.", False),
        ("Məktubu aghayeva.sevda@mailbox.example yazıb.", False),  # a short surname needs both
    ],
)
def test_an_unregistered_address_named_like_the_person_is_an_impersonation_cue(
    matcher: Matcher, text: str, cue: bool
) -> None:
    """A fake letter gives itself away by the address it came from."""
    [mention] = analyse(matcher, "Tural Ağayev. " + text)
    terms = {c.term for c in mention.cues if c.kind == "impersonation"}
    assert (terms == {"<an unregistered address named like the person>"}) is cue


@pytest.mark.parametrize(
    "text",
    [
        "Турал Агаев завёл новый канал: t.me/tural_aghayev_official. Подписывайтесь!",
        "Tural Ağayevin məktubu tural.agayev.press@mailbox.example ünvanından gəlib.",
    ],
)
def test_a_registered_account_or_address_is_not_a_lookalike(text: str) -> None:
    people = [
        Registration(
            2,
            ("Tural Ağayev", "Турал Агаев"),
            handles=(("telegram", "tural_aghayev_official"),),
            emails=("tural.agayev.press@mailbox.example",),
        )
    ]
    [mention] = analyse(Matcher.build(people), text)
    assert not [c for c in mention.cues if c.kind == "impersonation"]
