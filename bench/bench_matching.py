"""Matching throughput against the number of registered activists, and a regex baseline.

Usage: python bench/bench_matching.py [--sizes 100,1000,10000] [--mb 2] [--runs 5] [--seed 7]

Generates activists with realistic Azerbaijani, Russian and English names (each with the
spellings a registration would carry, handles, an e-mail address and a phone number) and
news-like documents in the three languages in which about one paragraph in fifty names a
registered person and many more name people who share a registered surname (as Azerbaijani
surnames are widely shared) or, less often, a whole registered name. For each size it reports:

* build time of the matcher (CPU seconds);
* median throughput (MB of UTF-8 text per CPU second of this single-threaded process) of
  `monitor.matching.analyse` over all documents, and of `Matcher.find` alone (no
  classification), which shows how the cost divides between finding people and classifying;
* the throughput of `Matcher.candidates`: text preparation and the automaton pass without any
  rule, the fixed cost per byte that `find` cannot go below however fast its checks become;
* mentions (people named, namesakes included), hits and automaton candidates per MB, the work
  that grows with the registry;
* the same for a baseline that compiles one regular expression per activist and runs each on
  every document. The baseline is timed on a slice of the documents sized so that a run takes a
  few seconds; MB/s stays comparable because both are divided by the bytes each one read.

Prints a table, then the figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from monitor.matching import Matcher, Registration, analyse


def _words(text: str) -> list[str]:
    return text.split()


AZ_FEMALE = _words(
    "Gülnarə Səbinə Nərmin Ülviyyə Fidan Könül Aytən Lalə Günay Xəyalə Şəbnəm Aynur Aysel "
    "Leyla Nigar Sevinc Türkan Gülər Vüsalə Nərgiz Elnarə Səidə Aygün Arzu Samirə Röya Zəhra "
    "Məryəm Sevda Ülkər Nurlana Jalə Kəmalə Məlahət Zümrüd Afaq Nazilə Lamiyə Fəridə Humay "
    "Ayşən Esmira İlahə Əsmər Gülnar Rəna Təranə Sahibə Mehriban Xədicə Pərvanə Şahnaz Firuzə "
    "Gülşən Dilarə"
)
AZ_MALE = _words(
    "Orxan Rəşad Elvin Tural Anar Kamran Elşən Ramil Emin Murad Fərid Ceyhun Vüqar Rauf Elnur "
    "Əli Həsən Hüseyn Məmməd İlqar Nicat Toğrul Ruslan Zaur Samir Cavid Kənan Ülvi Elçin Fuad "
    "Vüsal Şahin Rövşən Xəyal Əkbər Namiq Pərviz Səbuhi Teymur Yusif Zaur Bəxtiyar Cəlal"
)
AZ_ROOTS = _words(
    "Məmməd Əli Hüseyn Həsən Quli İsmayıl Abbas Rza Kərim Nəsib Səfər Vəli Cəfər Bağır Mehdi "
    "Əhməd Rəhim Sadıq Heydər Əsgər Talıb Həmzə Mirzəli Vəkil Çələbi Rüstəm Nəbi Kazım Musa "
    "İbrahim Zeynal Oruc Paşa Nağı Tağı Bayram Aslan Qasım Yusif Salman Novruz Sultan Fərəc "
    "Həbib Qəmbər Xəlil Eldar Fərhad Rəşid Zakir Tofiq Ramiz Vaqif Arif Şirin Əsəd Nəcəf "
    "Qurban Ağa Süleyman Bəşir Camal Əzim Həmid Cabbar Qədir Məhərrəm Rəsul Səmədov Şükür "
    "Yaqub Zahid"
)
AZ_SUFFIX_SURNAMES = _words(
    "Qurbanlı Rüstəmli Sadıqzadə Həsənli Əlizadə Məmmədli Quliyevli Hüseynzadə Kərimli "
    "Vəliyeva Nəbili Şirinli Abbaszadə Cəfərli Mirzəzadə Bağırlı Salmanlı Əsədli Tağızadə "
    "Novruzlu"
)
AZ_LINKS = ("", "bəy", "ağa", "xan", "qulu", "əli", "verdi")
RU_FEMALE = _words(
    "Анна Мария Ольга Елена Наталья Ирина Татьяна Светлана Екатерина Юлия Дарья Ксения Алина "
    "Вера Галина Людмила Марина Полина Софья Валерия Алла Нина Лариса Зоя Инна"
)
RU_MALE = _words(
    "Алексей Дмитрий Сергей Андрей Михаил Иван Павел Николай Артём Максим Олег Игорь Юрий "
    "Виктор Роман Антон Денис Кирилл Борис Глеб Вадим Степан Тимур Фёдор Леонид"
)
RU_HEADS = _words("Бел Бор Вол Гор Дуб Жар Зим Кал Кос Лев Мал Мир Нов Орл Пол Рад Сев Сол Тур Чер")
RU_TAILS = _words("ан ен ик ин ов ум ыш ач ер ох ук ясл оглаз ыгин ушк ячк ец ар от ур")
RU_ENDINGS = (("ов", "ова"), ("ин", "ина"), ("ский", "ская"), ("енко", "енко"), ("цев", "цева"))
EN_GIVEN = _words(
    "Sarah Emily Jessica Laura Hannah Sophie Olivia Grace Chloe Rachel Anna Claire Helen Kate "
    "Lucy Amy Megan Ruth Alice Jane Emma Ella Zoe Ivy James John Daniel Thomas Peter Mark "
    "David Paul Simon Adam Henry Oliver Jack Harry George Luke Sam Ben Tom Max"
)
EN_STEMS = _words(
    "Smith Johnson Brown Taylor Wilson Davies Evans Thomas Roberts Walker Wright Thompson "
    "White Hughes Edwards Green Hall Wood Harris Lewis Martin Jackson Clarke Turner Hill "
    "Scott Cooper Morris Ward Moore King Watson Baker Harrison Morgan Patel Young Allen "
    "Mitchell Bell Carter Phillips Parker Adams Campbell Murphy Price Bennett Griffiths Lloyd "
    "Kelly Shaw Marshall Simpson Ellis Fox Grant Hunt Mills Palmer Reid Stone Webb West Wells "
    "Gray Ford Cole"
)
EN_FORMS = ("", "son", "ley", "field")

_ASCII = str.maketrans("əƏıİöÖüÜğĞşŞçÇ", "eEiIoOuUgGsScC")
_ENGLISH = {
    "ə": "a",
    "Ə": "A",
    "x": "kh",
    "X": "Kh",
    "ş": "sh",
    "Ş": "Sh",
    "ç": "ch",
    "Ç": "Ch",
    "q": "g",
    "Q": "G",
    "ı": "i",
    "ü": "u",
    "Ü": "U",
    "ö": "o",
    "Ö": "O",
    "ğ": "gh",
    "İ": "I",
}
_CYR = {
    "a": "а",
    "b": "б",
    "c": "дж",
    "ç": "ч",
    "d": "д",
    "e": "е",
    "ə": "а",
    "f": "ф",
    "g": "г",
    "ğ": "г",
    "h": "х",
    "x": "х",
    "ı": "ы",
    "i": "и",
    "j": "ж",
    "k": "к",
    "q": "г",
    "l": "л",
    "m": "м",
    "n": "н",
    "o": "о",
    "ö": "ё",
    "p": "п",
    "r": "р",
    "s": "с",
    "ş": "ш",
    "t": "т",
    "u": "у",
    "ü": "ю",
    "v": "в",
    "y": "й",
    "z": "з",
}


def english(name: str) -> str:
    return "".join(_ENGLISH.get(c, c) for c in name).translate(_ASCII)


def cyrillic(name: str) -> str:
    words = []
    for word in name.split():
        low = az_lower(word).replace("iyev", "iev").replace("ya", "я")
        cyr = "".join(_CYR.get(c, c) for c in low)
        words.append(cyr[:1].upper() + cyr[1:])
    return " ".join(words)


def latin_from_russian(name: str) -> str:
    table = dict(
        zip(
            "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
            (
                "a",
                "b",
                "v",
                "g",
                "d",
                "e",
                "yo",
                "zh",
                "z",
                "i",
                "y",
                "k",
                "l",
                "m",
                "n",
                "o",
                "p",
                "r",
                "s",
                "t",
                "u",
                "f",
                "kh",
                "ts",
                "ch",
                "sh",
                "shch",
                "",
                "y",
                "",
                "e",
                "yu",
                "ya",
            ),
            strict=True,
        )
    )
    out = []
    for word in name.split():
        low = "".join(table.get(c, c) for c in word.lower())
        out.append(low[:1].upper() + low[1:])
    return " ".join(out)


@dataclass
class Person:
    lang: str
    names: tuple[str, ...]
    given: str
    surname: str


def person(rng: random.Random) -> Person:
    """A random person: Azerbaijani most often, then Russian, then English."""
    roll = rng.random()
    female = rng.random() < 0.6
    if roll < 0.7:
        given = rng.choice(AZ_FEMALE if female else AZ_MALE)
        surname = _az_surname(rng, female)
        full = f"{given} {surname}"
        return Person("az", (full, english(full), cyrillic(full)), given, surname)
    if roll < 0.88:
        given = rng.choice(RU_FEMALE if female else RU_MALE)
        male_end, female_end = rng.choice(RU_ENDINGS)
        stem = rng.choice(RU_HEADS) + rng.choice(RU_TAILS)
        surname = stem + (female_end if female else male_end)
        full = f"{given} {surname}"
        return Person("ru", (full, latin_from_russian(full)), given, surname)
    given = rng.choice(EN_GIVEN)
    surname = rng.choice(EN_STEMS) + rng.choice(EN_FORMS)
    return Person("en", (f"{given} {surname}",), given, surname)


def _az_surname(rng: random.Random, female: bool) -> str:
    """Common simple surnames (Məmmədova) a third of the time, else rarer compound ones
    (Həsənquliyeva): surname candidates stay frequent, full-name namesakes rare."""
    root = rng.choice(AZ_ROOTS)
    if rng.random() < 0.66:
        root += az_lower(rng.choice(AZ_ROOTS)) if rng.random() < 0.6 else rng.choice(AZ_LINKS)
    style = rng.random()
    if style < 0.03:
        return rng.choice(AZ_SUFFIX_SURNAMES)
    if style < 0.3:
        return root + ("li" if root[-1] in "eəiöü" else "lı")
    if style < 0.4:
        return root + "zadə"
    root = root[:-2] if root.endswith("ov") else root
    tail = "yev" if root[-1] in "aəiıeüuo" else ("ev" if root[-1] == "y" else "ov")
    return root + tail + ("a" if female else "")


def az_lower(word: str) -> str:
    """Azerbaijani lower case: İ is i and I is ı (str.lower leaves a combining dot after İ)."""
    return word.replace("İ", "i").replace("I", "ı").lower()


def registrations(n: int, seed: int) -> tuple[list[Registration], list[Person]]:
    rng = random.Random(seed)
    regs, people = [], []
    for i in range(1, n + 1):
        p = person(rng)
        slug = english(p.names[-1] if p.lang == "ru" else p.names[0]).lower().split()
        regs.append(
            Registration(
                activist_id=i,
                names=p.names,
                handles=(
                    ("instagram", f"{slug[0]}.{slug[-1]}{i}"),
                    ("telegram", f"{slug[0]}_{i}x"),
                ),
                emails=(f"{slug[0]}.{slug[-1]}{i}@mail{i % 50}.example",),
                phones=(f"+99450{rng.randrange(10**6, 10**7)}",),
            )
        )
        people.append(p)
    return regs, people


_AZ = (
    "{p} bu gün Bakıda keçirilən mətbuat konfransında yeni layihəni təqdim edib. Layihə {n} "
    "rayonu əhatə edəcək və {m} nəfərin iştirakı gözlənilir. Nazirliyin məlumatına görə, işlər "
    "ilin sonunadək başa çatdırılacaq. Tədbirdə {q} də çıxış edərək əməkdaşlığın önəmini "
    "vurğulayıb.",
    "Sumqayıtda yeni məktəb binası istifadəyə verilib. Binada {n} sinif otağı, müasir laboratoriya "
    "və idman zalı var. Açılış mərasimində {p} şagirdləri təbrik edib. Valideynlər binanın "
    "vaxtında tikilməsindən razı qaldıqlarını bildiriblər.",
    "Mərkəzi Bankın məlumatına görə, manatın məzənnəsi sabit qalıb. Analitik {p} yaxın aylarda "
    "kəskin dəyişiklik gözləmədiyini deyib. Neftin qiyməti isə {n} faiz artaraq {m} dollar olub.",
)
_RU = (
    "{p} в понедельник провела встречу с представителями бизнеса. Обсуждались вопросы "
    "налогообложения и поддержки малых предприятий. По словам участников, в ближайшие {n} месяцев "
    "будет подготовлен пакет предложений. На встрече также выступил {q}.",
    "В Баку открылся новый парк площадью {n} гектаров. Здесь высажено более {m} деревьев, "
    "оборудованы детские и спортивные площадки. Директор парка {p} сообщил, что вход будет "
    "бесплатным.",
    "Сборная по шахматам стартовала с победы на командном чемпионате Европы. Лучший результат "
    "показал {p}, набравший {n} очка. Следующий тур состоится в четверг.",
)
_EN = (
    "{p} told reporters on Monday that the new metro line would open within {n} months. The line "
    "is expected to carry {m} passengers a day. Critics, including {q}, say the budget is too "
    "small for the work that remains.",
    "Wholesale wheat prices have stabilised after a new import agreement. Bakeries say bread "
    "prices should remain unchanged this quarter. Economist {p} expects inflation to stay within "
    "the target band of {n} percent.",
    "The national team announced a squad of {n} players for the friendly matches. Head coach {p} "
    "said three young players would get their first chance. The matches take place at the end "
    "of the month in front of about {m} spectators.",
)
_TEMPLATES = {"az": _AZ, "ru": _RU, "en": _EN}
_MENTION = {
    "az": "Fəal {r} bildirib ki, ona qarşı kampaniya aparılır. "
    "{r} hüquq müdafiəçilərinə müraciət edib.",
    "ru": "Активистка {r} сообщила о давлении на её семью. По словам {r}, её телефон прослушивают.",
    "en": "Activist {r} said she had received threats after the rally. "
    "{r} has asked for protection.",
}


def display(p: Person, lang: str) -> str:
    """How a person's name appears in a text of the given language."""
    if lang == "ru":
        return p.names[2] if p.lang == "az" else p.names[0]
    if p.lang == "ru" or (lang == "en" and p.lang == "az"):
        return p.names[1]
    return p.names[0]


def documents(people: list[Person], mb: float, seed: int) -> list[str]:
    """News-like documents of 2-8 paragraphs, about `mb` MB in all."""
    rng = random.Random(seed)
    docs: list[str] = []
    size = 0
    while size < mb * 1_000_000:
        lang = rng.choices(("az", "ru", "en"), (0.4, 0.35, 0.25))[0]
        paragraphs = []
        for _ in range(rng.randint(2, 8)):
            if rng.random() < 0.02 and people:
                r = display(rng.choice(people), lang)
                paragraphs.append(_MENTION[lang].format(r=r))
            else:
                p, q = display(person(rng), lang), display(person(rng), lang)
                template = rng.choice(_TEMPLATES[lang])
                paragraphs.append(
                    template.format(p=p, q=q, n=rng.randint(2, 90), m=rng.randint(100, 9000))
                )
        doc = "\n\n".join(paragraphs)
        docs.append(doc)
        size += len(doc.encode())
    return docs


def baseline(regs: list[Registration]) -> list[tuple[int, re.Pattern[str]]]:
    """One regular expression per activist: every name, handle, e-mail and phone, any case."""
    compiled = []
    for r in regs:
        parts = [r"\s+".join(map(re.escape, n.split())) for n in r.names]
        parts += [re.escape(h) for _, h in r.handles] + [re.escape(e) for e in r.emails]
        parts += [re.escape(p[-7:]) for p in r.phones]
        compiled.append((r.activist_id, re.compile(r"\b(?:" + "|".join(parts) + r")\b", re.I)))
    return compiled


def run_matcher(matcher: Matcher, docs: list[str]) -> int:
    return sum(len(analyse(matcher, d)) for d in docs)


def run_find(matcher: Matcher, docs: list[str]) -> int:
    return sum(len(matcher.find(d)) for d in docs)


def run_scan(matcher: Matcher, docs: list[str]) -> int:
    return sum(matcher.candidates(d) for d in docs)


def run_baseline(patterns: list[tuple[int, re.Pattern[str]]], docs: list[str]) -> int:
    return sum(1 for d in docs for _, p in patterns if p.search(d))


def median_time(fn: Callable[[], object], runs: int) -> float:
    """Median CPU seconds of this process over `runs` calls: one core's work, which other
    processes competing for the machine do not inflate the way they inflate wall time."""
    times = []
    for _ in range(runs):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times)


def measure(n: int, mb: float, runs: int, seed: int) -> dict:
    regs, people = registrations(n, seed)
    start = time.process_time()
    matcher = Matcher.build(regs)
    build = time.process_time() - start
    docs = documents(people, mb, seed + 1)
    nbytes = sum(len(d.encode()) for d in docs)
    found = run_matcher(matcher, docs)
    hits = run_find(matcher, docs)
    t = median_time(lambda: run_matcher(matcher, docs), runs)
    tf = median_time(lambda: run_find(matcher, docs), runs)
    candidates = run_scan(matcher, docs)
    ts = median_time(lambda: run_scan(matcher, docs), runs)
    patterns = baseline(regs)
    share = max(1, int(len(docs) * min(1.0, 200 / n)))
    subset = docs[:share]
    sub_bytes = sum(len(d.encode()) for d in subset)
    tb = median_time(lambda: run_baseline(patterns, subset), max(1, runs // 2))
    return {
        "activists": n,
        "build_seconds": round(build, 3),
        "documents": len(docs),
        "mb": round(nbytes / 1e6, 3),
        "mentions": found,
        "mentions_per_mb": round(found / (nbytes / 1e6)),
        "hits_per_mb": round(hits / (nbytes / 1e6)),
        "candidates_per_mb": round(candidates / (nbytes / 1e6)),
        "matcher_mb_s": round(nbytes / t / 1e6, 2),
        "find_mb_s": round(nbytes / tf / 1e6, 2),
        "scan_mb_s": round(nbytes / ts / 1e6, 2),
        "baseline_mb": round(sub_bytes / 1e6, 3),
        "baseline_mb_s": round(sub_bytes / tb / 1e6, 6),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--mb", type=float, default=2.0, help="MB of text per size")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    rows = [measure(int(n), args.mb, args.runs, args.seed) for n in args.sizes.split(",")]
    print(
        f"{'activists':>9} {'build s':>8} {'matcher MB/s':>13} {'find MB/s':>10}"
        f" {'scan MB/s':>10} {'mentions/MB':>12} {'baseline MB/s':>14} {'ratio':>8}"
    )
    for row in rows:
        ratio = row["matcher_mb_s"] / row["baseline_mb_s"]
        print(
            f"{row['activists']:>9} {row['build_seconds']:>8.2f} {row['matcher_mb_s']:>13.2f}"
            f" {row['find_mb_s']:>10.2f} {row['scan_mb_s']:>10.2f} {row['mentions_per_mb']:>12}"
            f" {row['baseline_mb_s']:>14.3f} {ratio:>8.1f}"
        )
    first, last = rows[0], rows[-1]
    print(
        f"matcher at {last['activists']} / at {first['activists']}: "
        f"{last['matcher_mb_s'] / first['matcher_mb_s']:.2f}"
    )
    print(json.dumps(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
