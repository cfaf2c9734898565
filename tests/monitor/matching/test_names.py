"""The spec's "Matching" examples and the corpus's name cases, as tables."""

from datetime import date

import pytest

from monitor.matching import Matcher, Registration

GULNARA = Registration(1, ("Gülnarə Mehdiyeva",))


@pytest.fixture(scope="module")
def gulnara() -> Matcher:
    return Matcher.build([GULNARA])


@pytest.fixture(scope="module")
def belousova() -> Matcher:
    return Matcher.build([Registration(1, ("Марина Белоусова", "Marina Belousova"))])


def names_found(matcher: Matcher, text: str) -> set[int]:
    return {h.activist_id for h in matcher.find(text) if h.part == "full"}


@pytest.mark.parametrize(
    "text",
    [
        "Gülnarə Mehdiyeva",
        "Gulnara Mehdiyeva bildirib ki",
        "GÜLNARƏ MEHDİYEVA",
        "Gülnarə xanım Mehdiyeva",
        "Gülnarə Mehdiyevanın yazısı",
        "Gülnarə Mehdiyevaya zəng ediblər",
        "Gülnarə Mehdiyeva'nın",
        "Гюльнара Мехдиева",
        "Вызвали Гюльнару Мехдиеву",
        "с Гюльнарой Мехдиевой",
        "Гюльнары Мехдиевой нет",
        "G. Mehdiyeva",
        "Г. Мехдиевой",
        "Mehdiyeva Gülnarə Əli qızı",
        "Gülnarə Əli qızı Mehdiyeva",
        "«Gülnarə Mehdiyeva»",
        "(Gülnarə Mehdiyeva)",
        "Gulnare Mehdiyeva",
        "Gülnare Mehdiyeva",
        "Gulnara Mehdieva",
        "Gulnara Mehdiyeva's post",
        "gülnarə mehdiyeva",
        "Gülnarə\u00a0Mehdiyeva",
        "Gülnarə\nMehdiyeva\n".replace("\n", " "),
        "Mehdiyeva G. bildirib",
        "Ответчица — Мехдиева Г.",
        "заявление Мехдиевой Г. отклонено",
        "Мехдиева Гюльнара",
        "у Мехдиевой Гюльнары",
        "с Мехдиевой Гюльнарой",
        "Mehdiyeva G., Əliyev R. və başqaları",
    ],
)
def test_spec_spellings_match(gulnara: Matcher, text: str) -> None:
    assert names_found(gulnara, text) == {1}


@pytest.mark.parametrize(
    "text",
    [
        "Gülnarə Həsənova",
        "Mehdiyev",
        "Mehdiyevaya",
        "Gülnarə Mehdiyev",
        "Gülnarə Mehdiyevə",
        "Гюльнара Мехдиев",
        "Гюльнара Мехдиевым",
        "Мехдиевой",
        "Gülnarə danışdı.\n\nSonra Mehdiyeva gəldi.",
        "Gülnarə bu gün çıxış etdi. Mehdiyeva isə susdu.",
        "Gülnarə Mehdiyevalı",
        "Aysel Mehdiyeva",
        "Gülnarə, Mehdiyeva",
        "Mehdiyeva A. bildirib",
        "Mehdiyeva G. Əliyev",
        "Mehdiyeva G. Hüseynli ilə görüşüb",
        "Письмо Мехдиевой Г. Багирлы передала",
        "The Court ruled in Mehdiyeva v. Azerbaijan",
        "жительница Мехдиева г. Баку",
        "Mehdiyevanın Gülnarə",
        "Мехдиевой Гюльнара Алиева",
        "Благодаря Мехдиевой Гюльнара получила работу.",
        "Мехдиеву Гюльнара пригласила на встречу.",
    ],
)
def test_spec_non_matches(gulnara: Matcher, text: str) -> None:
    assert names_found(gulnara, text) == set()


def test_bare_surname_near_full_name_supports_it(gulnara: Matcher) -> None:
    text = "Gülnarə Mehdiyeva bildirib. Sonra Mehdiyevaya zəng ediblər."
    hits = gulnara.find(text)
    assert [(h.matched, h.part) for h in hits] == [
        ("Gülnarə Mehdiyeva", "full"),
        ("Mehdiyevaya", "surname"),
    ]


def test_bare_surname_without_full_name_is_nothing(gulnara: Matcher) -> None:
    assert gulnara.find("Mehdiyevaya zəng ediblər. Gülnarə isə gəlmədi.") == []


CORPUS_LIKE = [
    Registration(1, ("Ülviyyə Sadıqzadə", "Ulviyya Sadigzade", "Ульвия Садыгзаде")),
    Registration(2, ("Fidan Sadıqzadə", "Fidan Sadigzade", "Фидан Садыгзаде")),
    Registration(3, ("Nərmin Əsgərova", "Narmin Asgarova", "Нармин Аскерова")),
    Registration(4, ("Nərmin Talıbova", "Narmin Talibova", "Нармин Талыбова")),
    Registration(5, ("Aytən Mirzəliyeva", "Aytan Mirzaliyeva")),
    Registration(6, ("Şəbnəm Kazımova", "Shabnam Kazimova", "Шабнам Кязимова")),
    Registration(7, ("Xəyalə Rüstəmli", "Khayala Rustamli", "Хаяла Рустамли")),
    Registration(8, ("Günay Çələbiyeva", "Gunay Chalabiyeva", "Гюнай Челебиева")),
    Registration(9, ("Orxan Nəbiyev", "Orkhan Nabiyev", "Орхан Набиев")),
    Registration(10, ("Lalə Vəkilova", "Lala Vakilova", "Лала Векилова")),
    Registration(11, ("Könül Həmzəyeva", "Konul Hamzayeva", "Кёнуль Гамзаева")),
]


@pytest.fixture(scope="module")
def corpus_like() -> Matcher:
    return Matcher.build(CORPUS_LIKE)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ülviyyə və Fidan Sadıqzadə bacıları", {1, 2}),
        ("Ülviyyə, Fidan və Lalə Sadıqzadə", {1, 2}),
        ("Fidan Sadıqzadə və Ülviyyə Həsənova", {2}),
        ("Ülviyyə Həsənova, Fidan Sadıqzadə", {2}),
        ("Nərmin Əsgərova və Nərmin Talıbova", {3, 4}),
        ("Нармин Талыбовой вызвали", {4}),
        ("Лалы Векиловой", {10}),
        ("Орхана Набиева оштрафовали", {9}),
        ("A. Mirzəliyevanın telefonundan", {5}),
        ("Ş. Kazımova ev dəyişib", {6}),
        ("Sh. Kazimova", {6}),
        ("Khayala Rustamli", {7}),
        ("Hayala Rustamli", {7}),
        ("Xəyalə Rüstəmliyə aid", {7}),
        ("Gunay Chalabiyeva", {8}),
        ("Gunay Chelebiyeva", {8}),
        ("Sabina Gurbanli", set()),
        ("Elşən Talıbov", set()),
        ("Nərmin Talıbov", set()),
        ("Elvin Kazımov", set()),
        ("Рауф Гамзаев", set()),
        ("Кёнуль Гамзаев", set()),
        ("Tural Sadıqzadə", set()),
        ("Nərmin Həsənli", set()),
        ("Anar Mirzəliyev", set()),
        ("Rəşad Vəkilov", set()),
    ],
)
def test_corpus_name_cases(corpus_like: Matcher, text: str, expected: set[int]) -> None:
    assert names_found(corpus_like, text) == expected


def test_registered_only_in_one_script_still_matches_the_others() -> None:
    matcher = Matcher.build([Registration(1, ("Xəyalə Rüstəmli",))])
    for text in ("Хаяла Рустамли", "Khayala Rustamli", "Hayala Rustamli", "Xayala Rustamli"):
        assert names_found(matcher, text) == {1}, text


def test_russian_writes_i_after_g_k_kh_whatever_the_azerbaijani_letter() -> None:
    """Bağırlı is Багирлы as well as Багырлы; elsewhere ı stays ы (not Багирли-only)."""
    matcher = Matcher.build([Registration(1, ("Könül Bağırlı",))])
    for text in ("Кенуль Багирлы", "Кенуль Багырлы", "Багирлы К.", "Багирлы Кенуль"):
        assert names_found(matcher, text) == {1}, text


def test_surname_first_in_russian_needs_both_parts_in_one_case() -> None:
    """A man's name too: the surname of one phrase before the subject of the next is no pair."""
    matcher = Matcher.build([Registration(1, ("Elçin Mehdiyev",))])
    for text in ("Мехдиева Эльчина", "Мехдиевым Эльчином", "Мехдиев Эльчин", "Mehdiyev E. dedi"):
        assert names_found(matcher, text) == {1}, text
    for text in ("Мехдиевым Эльчин доволен.", "Мехдиеву Эльчин позвонил вчера."):
        assert names_found(matcher, text) == set(), text


@pytest.mark.parametrize("given", ["Артём", "Артем", "Сергей", "Андрей", "Керем"])
def test_a_mans_given_name_that_ends_like_an_instrumental(given: str) -> None:
    """Сергей, Артём, Керем end in the nominative as other names do in the instrumental
    (Андреем, Игорем): after a surname in the nominative they are the same person's."""
    matcher = Matcher.build([Registration(1, (f"{given} Белецкий",))])
    for text in (f"Белецкий {given} Игоревич — учитель", f"Белецкий {given} пишет"):
        assert names_found(matcher, text) == {1}, text
    assert names_found(matcher, f"Белецкому {given} позвонили") == set()


def test_russian_male_given_names_in_a_soft_sign_decline() -> None:
    """Рамиль, Игорь: Рамиля, Рамилю, Рамилем, Рамиле, before an indeclinable -заде too."""
    matcher = Matcher.build([Registration(1, ("Рамиль Гасанзаде",))])
    for text in ("Рамилю Гасанзаде пишут", "с Рамилем Гасанзаде", "у Рамиля Гасанзаде"):
        assert names_found(matcher, text) == {1}, text


@pytest.mark.parametrize(
    "text",
    [
        "Белоусова Марина Сергеевна выступила.",
        "Карта на имя Белоусовой Марины Сергеевны, 1986 года рождения.",
        "Белоусовой Марине Сергеевне пишут.",
        "Марины Сергеевны Белоусовой нет.",
        "с Мариной Сергеевной Белоусовой",
        "Belousova Marina Sergeyevna spoke.",
        "В графе «пациент» — Белоусова М. С.",
        "Белоусова М.С. выступила.",
        "Принимала Белоусова М. С. Перед приёмом всё объяснила.",  # the next sentence
        "Принимала Белоусова М. Перед приёмом всё объяснила.",
        "Принимала Белоусова М. С. Рассказали, что всё хорошо.",  # a verb in -ли
    ],
)
def test_a_russian_name_with_its_patronymic_or_its_initial(belousova: Matcher, text: str) -> None:
    """Official Russian writes surname, given name and patronymic («Белоусова Марина
    Сергеевна»), or the surname and both initials («Белоусова М. С.»): the patronymic after
    the given name is no other person's surname."""
    assert names_found(belousova, text) == {1}


@pytest.mark.parametrize(
    "text",
    [
        "Белоусова Марина Петрова пришла.",
        "Белоусова М. С. Иванова пришла.",
        "Белоусова М. С. Гусейнли пришла.",
        "Белоусова м. с.",
    ],
)
def test_initials_or_a_name_that_belong_to_the_next_surname(belousova: Matcher, text: str) -> None:
    assert names_found(belousova, text) == set()


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Нигяр и Саида Алияровы — семейный подряд.", {1, 2}),
        ("У Нигяр и Саиды Алияровых забрали машину.", {1, 2}),
        ("Алияровы снова пишут.", set()),  # the family, nobody named
    ],
)
def test_two_people_who_share_a_russian_surname_in_the_plural(text: str, found: set[int]) -> None:
    sisters = Matcher.build(
        [Registration(1, ("Нигяр Алиярова",)), Registration(2, ("Саида Алиярова",))]
    )
    assert names_found(sisters, text) == found


def test_two_letter_initials_stand_after_the_surname_too() -> None:
    matcher = Matcher.build([Registration(1, ("Şəbnəm Kazımova",))])
    assert names_found(matcher, "Kazimova Sh. dedi") == {1}
    assert names_found(matcher, "Sh. Kazimova dedi") == {1}


def test_a_cyrillic_registration_gets_russian_spelling_after_g_k_kh() -> None:
    matcher = Matcher.build([Registration(1, ("Кенуль Багырлы",))])
    assert names_found(matcher, "Кенуль Багирлы") == {1}


def test_registered_only_in_cyrillic_matches_latin() -> None:
    matcher = Matcher.build([Registration(1, ("Гюльнара Мехдиева",))])
    for text in ("Gulnara Mehdieva", "Gülnara Mehdieva", "Гюльнары Мехдиевой"):
        assert names_found(matcher, text) == {1}, text


def test_male_registration_rejects_female_relative() -> None:
    matcher = Matcher.build([Registration(1, ("Orxan Nəbiyev",))])
    assert names_found(matcher, "Orxan Nəbiyevə zəng etdilər") == {1}
    assert names_found(matcher, "Orxan Nəbiyevin evi") == {1}
    assert names_found(matcher, "Orxan Nəbiyeva") == set()


def test_a_man_surname_in_the_dative_after_his_given_name() -> None:
    """Şahbazov + dative -a is spelt like his sister's Şahbazova: his own given name, written
    out in full right before it, tells them apart."""
    matcher = Matcher.build([Registration(1, ("Emin Şahbazov", "Emin Shahbazov"))])
    for text in ("Emin Şahbazova qarşı iş açılıb", "EMİN ŞAHBAZOVA QARŞI", "Emin Shahbazova"):
        assert names_found(matcher, text) == {1}, text
    [hit] = matcher.find("Emin Şahbazova aid edilən səs yazısı")
    assert (hit.matched, hit.note) == ("Emin Şahbazova", "as registered, case ending -a")
    for text in (
        "E. Şahbazova danışdı",
        "Elmira Şahbazova",
        "Şahbazova Emin",
        "Şahbazova dedi",
        "Emin bəy Şahbazova",  # an honorific between: no telling
        "Emin və Elmira Şahbazova",  # the surname is Elmira's
        "Emin, Şahbazova",
    ):
        assert names_found(matcher, text) == set(), text
    putin = Matcher.build([Registration(1, ("Vladimir Putin",))])
    assert names_found(putin, "Vladimir Putina qarşı") == set()  # his dative is Putinə
    assert names_found(putin, "Vladimir Putinə qarşı") == {1}


def test_hits_point_into_the_original_text(corpus_like: Matcher) -> None:
    text = "Bu gün «Ülviyyə Sadıqzadə» və Нармин Талыбовой haqqında."
    hits = corpus_like.find(text)
    assert hits
    for hit in hits:
        assert text[hit.start : hit.end] == hit.matched


def test_note_names_the_habit_and_the_case_ending(corpus_like: Matcher) -> None:
    [hit] = corpus_like.find("Нармин Талыбовой")
    assert hit.note == "as registered, case ending -ой"


def test_nickname_matches_on_its_own() -> None:
    matcher = Matcher.build([Registration(1, ("Səbinə Qurbanlı",), nicknames=("Qaraqız",))])
    assert [(h.how, h.matched) for h in matcher.find("Qaraqızın son yazısı")] == [
        ("nickname", "Qaraqızın")
    ]
    assert matcher.find("Qaraqızıl kəndi") == []


def test_a_nickname_in_lower_case_among_capitals_is_the_common_word() -> None:
    """Pen name Gilavar is also the southern wind: only its capitals make it a name."""
    matcher = Matcher.build([Registration(1, ("Cavid Rzayev",), nicknames=("Gilavar", "Гилавар"))])
    assert matcher.find("Sabah güclü gilavar əsəcək, dənizə çıxmayın.") == []
    assert matcher.find("В выходные усилится гилавар.") == []
    assert names_found(matcher, "Gilavar yeni karikatura çəkib.") == {1}
    assert [h.matched for h in matcher.find("gilavarın yeni karikaturası")] == ["gilavarın"]
    # A pen name registered in lower case is written so.
    handle_like = Matcher.build([Registration(1, ("Cavid Rzayev",), nicknames=("qaraqurd_az",))])
    assert names_found(handle_like, "Bloger qaraqurd_az yenə yazıb.") == {1}


def test_a_name_in_a_line_written_in_lower_case_under_capitals() -> None:
    """Auto-captions under a headline, comments typed in lower case: the line is matched as an
    all-lower-case text would be, but for pen names, which the capitals elsewhere say are
    written with a capital when they are names."""
    matcher = Matcher.build(
        [Registration(1, ("Rəvanə Nağıyeva", "Равана Нагиева"), nicknames=("Gilavar",))]
    )
    captions = "Nağıyeva bacıları\n0:14 birincisi rəvanə nağıyeva feminizm adı ilə gəlir"
    [hit] = [h for h in matcher.find(captions) if h.part == "full"]
    assert captions[hit.start : hit.end] == hit.matched == "rəvanə nağıyeva"
    assert names_found(matcher, "Новости\nсегодня равана нагиева выступила") == {1}
    assert matcher.find("Hava\nsabah güclü gilavar əsəcək") == []
    assert matcher.find("Gilavar: hava\nsabah güclü gilavar əsəcək") == []  # the wind both times
    assert names_found(matcher, "Hava\nsabah Gilavar yazacaq") == {1}
    assert names_found(matcher, "Rəvanə danışdı.\nsonra nağıyeva gəldi") == set()


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Ep. 4\n[00:00:30] SPEAKER 2: look gülnarə mehdiyeva is not a scientist", {1}),
        ("Mətn: salam qardaşlar mən gülnarə mehdiyevayam, kartı yazıram", {1}),
        ("12:31 Leyla: dünən gülnarə mehdiyeva gəldi\nBaşqa sətir", {1}),
        ("Bakı: Dünən gülnarə mehdiyeva gəldi", set()),  # capitals after the label too
        ("Şərh: Gülnarə: mehdiyeva", set()),
    ],
)
def test_a_line_in_lower_case_after_a_label(gulnara: Matcher, text: str, found: set[int]) -> None:
    """Transcripts and chat exports open each line with a time or a speaker written with
    capitals; the words after the label are the line, as auto-captions write them."""
    assert names_found(gulnara, text) == found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("0:14 bu gün nigar hüseyn li haqqında danışırıq", {1}),
        ("Efir\nhə bəli tural abbas ov özünü jurnalist adlandırır", {2}),
        ("сегодня у нас турал аббас ова нет", {2}),  # the genitive's ending after the suffix
        ("OCR:\nTURAL ABBAS OV\nXAİN", {2}),  # a poster in capitals, split by OCR
        ("Nigar Hüseyn Li gəldi.", set()),  # capitals: two words, as written
        ("Tural Abbas Ov edir.", set()),
        ("Efir\nbu gün nigar hüseyn haqqında", set()),  # the root alone is no surname
    ],
)
def test_a_surname_split_before_its_suffix(text: str, found: set[int]) -> None:
    """A recogniser writes a long name it does not know as words it does: the root, which is
    often a given name, and the suffix (nağı yeva, керим ов). Sought only where case tells
    nothing: lower-case text, and lines in capitals."""
    matcher = Matcher.build(
        [
            Registration(1, ("Nigar Hüseynli",)),
            Registration(2, ("Tural Abbasov", "Турал Аббасов")),
        ]
    )
    assert names_found(matcher, text) == found
    for hit in matcher.find(text):
        assert hit.note.startswith("split before its suffix")


@pytest.mark.parametrize(
    ("text", "matched"),
    [
        ("Salam! Mən Gülnarə Mehdiyevayam, köhnə səhifəm bloklanıb.", "Gülnarə Mehdiyevayam"),
        ("Sən Gülnarə Mehdiyevasan, xain!", "Gülnarə Mehdiyevasan"),
        ("Gülnarə Mehdiyeva-nın yazısı", "Gülnarə Mehdiyeva-nın"),
        ("Gülnarə Mehdiyeva-Dadaşova gəldi.", "Gülnarə Mehdiyeva"),
    ],
)
def test_azerbaijani_i_am_you_are_and_hyphenated_endings(
    gulnara: Matcher, text: str, matched: str
) -> None:
    """A fake account signs in a person's name with "Mən … -yam" (I am); a hyphen may stand
    where an apostrophe does before an ending, and a word after it that is no ending leaves the
    name bare."""
    assert [h.matched for h in gulnara.find(text)] == [matched]


def test_a_name_hyphenated_across_a_line_break() -> None:
    matcher = Matcher.build([Registration(1, ("Тимур Рахманов", "Timur Rakhmanov"))])
    text = "РАЗЫСКИВАЕТСЯ\nТИМУР РАХМА-\nНОВ\n«журналист»"
    [hit] = matcher.find(text)
    assert text[hit.start : hit.end] == hit.matched == "ТИМУР РАХМА-\nНОВ"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("[00:14:02] Так называемый адвокат Эльмар\n[00:14:05] Шихалиев защищает", {1}),
        ("00:14:02 адвокат Эльмар\n00:14:05 Шихалиева защищают", {1}),
        ("Выступил Эльмар.\n[00:14:05] Шихалиев не пришёл.", set()),
        ("адвокат Эльмар\nШихалиев защищает", set()),
    ],
)
def test_a_name_broken_across_subtitle_lines(text: str, found: set[int]) -> None:
    """Burnt-in and auto-generated subtitles break lines anywhere, between a given name and its
    surname too: the word before a line that opens with its time is the last of the line above.
    A full stop there ends the sentence, and a line without a time is no subtitle."""
    matcher = Matcher.build([Registration(1, ("Эльмар Шихалиев",))])
    assert names_found(matcher, text) == found


@pytest.mark.parametrize(
    ("text", "matched"),
    [
        ("— GÜLNARƏ MEHDİYEV0VA", None),  # a digit for a letter that is not there
        ("— GÜLNARƏ MEHD1YEVA, jurnalist", "GÜLNARƏ MEHD1YEVA"),
        ("Mülkiyyətçi: Mehdiyeva Gü1narə", None),  # given names are not sought misread
        ("MEHDIYEVA GULNARA: 0555", "MEHDIYEVA GULNARA"),
    ],
)
def test_a_surname_with_a_letter_that_text_recognition_read_as_a_digit(
    gulnara: Matcher, text: str, matched: str | None
) -> None:
    """Scans of posters and documents: O read as 0, I, l or ı as 1, one letter per name."""
    assert [h.matched for h in gulnara.find(text)] == ([matched] if matched else [])


def test_a_pet_name_with_an_ending_that_spells_the_given_name_is_the_given_name() -> None:
    """Pet name Lami with the dative -ya is Lamiya: her given name alone, which names nobody
    (a colleague called Lamiyə Soltanlı, a welcome post for another Lamiya)."""
    lamiya = Registration(1, ("Lamiyə Sultanlı", "Lamiya Sultanli"), nicknames=("Lami",))
    matcher = Matcher.build([lamiya])
    for text in ("HR mütəxəssisi Lamiyə Soltanlı.", "Please welcome Lamiya Soltanli!"):
        assert matcher.find(text) == [], text
    assert names_found(matcher, "Laminin kanalı bağlanıb") == {1}
    assert names_found(matcher, "Lami yazıb") == {1}
    assert names_found(matcher, "Lamiyə Sultanlıya yazın") == {1}


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Студия в ЖК «Маяк», 40 м², вид на море.", set()),
        ("В кофейне «Маяк» на углу сменилось меню.", set()),
        ('Yeni film "Маяк" kinoteatrlarda.', set()),
        ('"Маяк" kafesində yeni menyu.', set()),
        ("Блогер «Маяк» снова пишет о выселениях.", {1}),  # the person's own trade
        ('Filmmaker "Маяк" posted a new cut.', {1}),  # a trade, not a film
        ("Зашли в кафе, «Маяк» опять написал про выселения.", {1}),  # a comma between
        ("«Маяк» выложил новое видео.", {1}),  # nothing beside the quotes
        ('"Маяк" kanalında yeni video.', {1}),  # the person's own channel
    ],
)
def test_a_pen_name_in_quotes_beside_a_word_for_a_film_a_place_or_a_firm_is_a_title(
    text: str, found: set[int]
) -> None:
    """A residential complex, a café or a film may bear the pen name: ЖК «Маяк» is a building."""
    matcher = Matcher.build([Registration(1, ("Ольга Ветрова",), nicknames=("Маяк",))])
    assert names_found(matcher, text) == found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("PASSENGER: THORNBURY, MEGAN\nTRIP: 30 Apr", {1}),
        ("Thornbury, Megan (2021). Renters and the city.", {1}),
        ("Thornbury, M. wrote the report.", {1}),
        ("Thornbury, Megan Smith and Ann Lee signed.", set()),  # a list of people
    ],
)
def test_surname_comma_given_name_as_forms_write_it(text: str, found: set[int]) -> None:
    matcher = Matcher.build([Registration(1, ("Megan Thornbury",))])
    assert names_found(matcher, text) == found


def test_a_pen_name_with_capitals_inside_is_sought_as_written() -> None:
    matcher = Matcher.build([Registration(1, ("Vüsal Əzimov",), nicknames=("VüsalTV",))])
    for text in ("Biz VüsalTV-də danışdıq.", "VüsalTV yayımı", "VÜSALTV yayımı", "Vusaltv"):
        assert names_found(matcher, text) == {1}, text


def test_a_text_that_writes_the_nickname_in_lower_case_means_the_common_word() -> None:
    """Stage name Qaraquş is also the golden eagle: a text that writes qaraquş in lower case is
    about birds, so its capital at the start of a sentence is no name either."""
    matcher = Matcher.build([Registration(1, ("Fərid Kərimli",), nicknames=("Qaraquş",))])
    birds = "Qoruqda qaraquş cütlərinin sayı artıb. Qaraquş Qafqazın ən iri quşudur."
    assert matcher.find(birds) == []
    assert names_found(matcher, "Qaraquş yeni mahnı yazıb. Qaraquş susmayacaq.") == {1}
    mixed = "Reper Qaraquş dağlarda qaraquş görüb."  # mid-sentence, the capital counts
    assert [h.matched for h in matcher.find(mixed)] == ["Qaraquş"]


def test_a_nickname_in_the_lower_case_plural_is_the_common_word() -> None:
    """A pen name made of a common word ("Qaratoyuq", blackbird) in the plural is birds."""
    matcher = Matcher.build([Registration(1, ("Nərgiz Xəlilbəyli",), nicknames=("Qaratoyuq",))])
    assert matcher.find("Bağda qaratoyuqlar oxuyur, parkda qaratoyuqların səsi gəlir.") == []
    assert matcher.find("bağda qaratoyuqlar oxuyur") == []  # no capitals: no telling
    assert [h.matched for h in matcher.find("qaratoyuqun yeni şeiri çıxıb")] == ["qaratoyuqun"]
    assert [h.matched for h in matcher.find("Bu Qaratoyuqlar yenə yazır")] == ["Qaratoyuqlar"]
    # At the start of a text, a line or a sentence every word has a capital: birds again.
    for text in (
        "Qaratoyuqlar qayıdır",
        "Yaz gəldi.\nQaratoyuqlar oxuyur",
        "Bax: Qaratoyuqlar!",
        "Dedi: «Gəl.» Qaratoyuqlar oxuyur",
        "Yaz gəldi.            Qaratoyuqlar oxuyur",
        "• Qaratoyuqlar oxuyur",
    ):
        assert matcher.find(text) == [], text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Жительница села Гочлу Кёнуль Гасанова рассказала о воде.", []),
        ("Qoçlu Könül Həsənova dedi ki, su yoxdur.", []),
        ("Qoçlu Könül dedi ki, su yoxdur.", ["Qoçlu Könül"]),
        ("Qoçlu Könül Bakıda çıxış etdi.", ["Qoçlu Könül"]),
        ("Qoçlu Könül Həsənovanın qonşusudur.", []),
        ("Qoçlu Könül Azərbaycanın jurnalistidir.", ["Qoçlu Könül"]),
        ("Qoçlu Könül Bakının mərkəzində yaşayır.", ["Qoçlu Könül"]),
        ("Reporter Qochlu Konul In an interview said", ["Qochlu Konul"]),
        ("Гочлу Кёнуль Бакинской области", ["Гочлу Кёнуль"]),
    ],
)
def test_a_given_name_followed_by_another_surname_is_not_paired_backwards(
    text: str, expected: list[str]
) -> None:
    """Surname-first order ("Qoçlu Könül") pairs the given name after the surname, unless a
    surname follows it in turn: then the given name is that person's, and Qoçlu a place."""
    matcher = Matcher.build([Registration(1, ("Könül Qoçlu", "Кёнуль Гочлу"))])
    assert [h.matched for h in matcher.find(text) if h.part == "full"] == expected


def test_candidates_counts_what_the_automaton_hands_to_the_rules(gulnara: Matcher) -> None:
    """Every surname occurrence is a candidate, paired with a given name or not; a text
    without one gives none."""
    assert gulnara.candidates("Bu gün hava yaxşıdır.") == 0
    assert gulnara.candidates("Aysel Mehdiyeva və Gülnarə Mehdiyeva") == 2
    found = gulnara.find("Aysel Mehdiyeva və Gülnarə Mehdiyeva")
    assert [h.matched for h in found if h.part == "full"] == ["Gülnarə Mehdiyeva"]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Şairə Leyla Kərimova (1921–1989) haqqında sərgi", set()),
        ("Obituary: Leyla Karimova (1918 - 1996)\nProfessor Leyla Karimova taught here.", set()),
        ("Архив: Лейла Керимова (1921—1989) и её стихи", set()),
        ("Керимова Лейла Алиевна (1921—1989) — поэтесса", set()),  # with her patronymic
        ("Kərimova Leyla Əli qızı (1921‑1989), şairə", set()),
        ("Leyla Kərimova (1995–2024-cü illərdə direktor) dedi", {1}),  # not only two years
        # a term of office, which the registered person may have held
        ("Directors: Leyla Karimova (2015–2019), Ann Lee (2019–)", {1}),
        # the registered person first, a namesake who has died after: only that one is dropped
        ("Leyla Kerimova, journalist. Not the poet Leyla Kərimova (1921–1989).", {1}),
    ],
)
def test_a_name_followed_by_a_life_span_is_someone_who_has_died(text: str, found: set[int]) -> None:
    matcher = Matcher.build([Registration(1, ("Leyla Kərimova", "Лейла Керимова"))])
    assert names_found(matcher, text) == found


def test_a_recent_death_may_be_the_registered_person_s() -> None:
    """An activist who died in custody last year is news for those who watch over her: only a
    death long before anyone registered tells a namesake."""
    matcher = Matcher.build([Registration(1, ("Leyla Kərimova",))])
    died = date.today().year - 1
    text = f"Leyla Kərimova (1979–{died}) həbsxanada vəfat edib."
    assert names_found(matcher, text) == {1}
    # and a long term of office that ended lately is no life span either
    assert names_found(matcher, f"Direktor: Leyla Kərimova ({died - 24}–{died}).") == {1}


def test_a_list_of_people_keeps_the_living_namesake_s_entry() -> None:
    matcher = Matcher.build([Registration(1, ("Дмитрий Соколов",))])
    text = (
        "Уроженцы села.\n\nСоколов Дмитрий Никитич (1868–1941) — пресвитер общины\n\n"
        "Соколов Дмитрий Андреевич (род. 1985) — эколог и журналист"
    )
    assert [h.matched for h in matcher.find(text)] == ["Соколов Дмитрий"]
    assert matcher.find(text)[0].start == text.index("Соколов Дмитрий Андреевич")


def test_a_hit_inside_a_dead_namesake_s_name_goes_with_it() -> None:
    matcher = Matcher.build([Registration(1, ("Leyla Kərimova",), nicknames=("Leyla",))])
    text = "Leyla Kərimova (1921–1989) şairədir. Kərimova çox yazıb. Leyla Kərimova Bakıda yaşayıb."
    assert matcher.find(text) == []


def test_a_living_namesake_in_a_later_paragraph_is_found() -> None:
    """A life span that introduces someone speaks for their names in its own paragraph only:
    a later paragraph may turn to a living namesake (the grandson on a memorial page), whom
    safety will not drop for a dead man's dates."""
    matcher = Matcher.build([Registration(1, ("Callum Ferriday",))])
    text = (
        "Memorial page of Callum Ferriday (1921–1987)\nCallum Ferriday was a harbourmaster.\n\n"
        "Young Callum Ferriday, the 'journalist', sells his grandfather's good name."
    )
    assert [h.start for h in matcher.find(text)] == [text.index("Callum Ferriday, the")]


@pytest.mark.parametrize("blank", ["\n\n", "\r\n\r\n", "\r\r", "\n \u3000\n", "\u2029"])
def test_a_paragraph_ends_at_any_blank_line(blank: str) -> None:
    matcher = Matcher.build([Registration(1, ("Callum Ferriday",))])
    text = f"Callum Ferriday (1921–1987), harbourmaster.{blank}Young Callum Ferriday lies."
    assert len(matcher.find(text)) == 1


def test_a_line_break_is_no_paragraph_end() -> None:
    matcher = Matcher.build([Registration(1, ("Leyla Kərimova",))])
    text = "Obituary: Leyla Kərimova (1918 - 1996)\r\nProfessor Leyla Kərimova taught here."
    assert matcher.find(text) == []


def test_a_handle_beside_a_life_span_still_names_the_person() -> None:
    matcher = Matcher.build(
        [Registration(1, ("Leyla Kərimova",), handles=(("telegram", "leyla_k"),))]
    )
    hits = matcher.find("Leyla Kərimova (1921–1989) — yazın: @leyla_k")
    assert [(h.how, h.matched) for h in hits] == [("handle", "@leyla_k")]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("müəllimi Ələkbərova Məleykənin paylaşımları", {1}),
        ("Ələkbərova Məleykəyə zəng edin", {1}),
        ("Həsənov Orxana qarşı", {2}),
        ("Kərimov Əlinin çıxışı", {3}),
        ("Kərimov Əliyev", set()),  # a surname, not a case ending
        ("Elmar Həsənov Orxanı yaxşı tanıyır.", set()),  # Elmar's surname, Orxan the object
        ("Elmar Həsənov, Orxanın atası, dedi", set()),
        ("Müəllim Həsənov Orxanın dərsi", {2}),  # a title before the surname
        ("Müəllimə Hüseynli Kamilə çıxış etdi.", set()),  # Kamilə, a woman; -li tells no sex
        ("Hüseynli Kamilin çıxışı", {4}),
        ("Ələkbərova Məleykənazlı", set()),  # a longer name, not a case ending
    ],
)
def test_surname_first_order_puts_the_case_ending_on_the_given_name(
    text: str, found: set[int]
) -> None:
    matcher = Matcher.build(
        [
            Registration(1, ("Məleykə Ələkbərova",)),
            Registration(2, ("Orxan Həsənov",)),
            Registration(3, ("Əli Kərimov",)),
            Registration(4, ("Kamil Hüseynli",)),
        ]
    )
    assert names_found(matcher, text) == found


def test_a_pen_name_before_a_word_for_a_place_is_that_place() -> None:
    matcher = Matcher.build(
        [Registration(1, ("Clare Whitlock",), nicknames=("Hedgewitch", "Qaranquş"))]
    )
    places = (
        "Hedgewitch Lane will be closed for resurfacing",
        "Qaranquş küçəsi bağlanır",
        "QARANQUŞ KÜÇƏSİNİN SAKİNLƏRİ",
        "bu gün qaranquş küçəsinə su verilmir",
        "Qaranquş kafesində görüş",
        "Qaranquş restoranında",
    )
    people = (
        "Qaranquşun kafesi açılıb",  # her café: the genitive keeps the person
        "Qaranquş kafedə oxuyacaq",  # she will sing in a café
        "Dünən Qaranquş restoranı tərk edib",  # -ı after a consonant: the accusative
        "Hedgewitch wrote again on Mill Road",
        "hedgewitch park protest today",  # in lower case every word is capitalised to match
    )
    assert [names_found(matcher, text) for text in places] == [set()] * len(places)
    assert [names_found(matcher, text) for text in people] == [{1}] * len(people)
