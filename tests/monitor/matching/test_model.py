"""The kind model (monitor.matching.model) and its training (monitor.matching.training)."""

import json
from importlib import resources
from pathlib import Path

import pytest

from monitor.matching import Matcher, Registration, analyse, by_person, evaluation, training
from monitor.matching.classifier import gather_all, standings
from monitor.matching.model import KindModel, default_model, feature_map, word_keys

DATA = Path(__file__).resolve().parents[2] / "data"
pytest.importorskip("sklearn")  # training needs scikit-learn (a test dependency)


@pytest.fixture(scope="module")
def found() -> dict[str, list[evaluation.Example]]:
    """Examples of every corpus the shipped model is trained on."""
    return {name: evaluation.examples(evaluation.load(DATA / name)) for name in training.TRAINED_ON}


def test_the_shipped_model_is_what_training_gives(found: dict) -> None:
    """model.json is not edited by hand: retraining on the same corpora decides every example
    the same way (weights may differ in the last digits between library versions)."""
    document = training.fit(e for rows in found.values() for e in rows)
    retrained = KindModel.from_json(document)
    shipped = default_model()
    stored = json.loads(resources.files("monitor.matching").joinpath("model.json").read_text())
    assert stored["trained_on"] == list(training.TRAINED_ON)
    assert retrained.classes == shipped.classes
    every = [e for rows in found.values() for e in rows]
    assert evaluation.predictions(every, retrained) == evaluation.predictions(every, shipped)
    # People found in items that do not name them (namesakes) train too, as plain mentions.
    labelled = sum(1 for e in every if e.kind in training.CLASSES)
    not_meant = sum(1 for e in every if e.kind is None)
    assert not_meant and stored["examples"] == document["examples"] == labelled + not_meant


# Held out of training in turn: the targets (precision 0.9, recall 0.85 here) and no
# false alarm, or, on the sets where the model falls short of them, what it scores
# (docs/matching.md, "Figures"). The false alarms allowed are namesakes and pen names that are
# common words. A floor follows its set down by an item when new training data moves a
# borderline decision; the commit that lowers it says which round did.
HELD_OUT_FLOORS = [
    *(
        (f"blind-{i}", 0.9, 0.85, 0)
        for i in (
            *range(8, 15),
            20,
            *range(22, 33),
            37,
            46,
            47,
            56,
            58,
            68,
            70,
            77,
            80,
            81,
            85,
            87,
            88,
            89,
        )
    ),
    ("blind-15", 0.89, 0.85, 0),
    ("blind-16", 0.89, 0.85, 0),
    ("blind-17", 0.9, 0.84, 0),
    ("blind-18", 0.84, 0.84, 1),
    ("blind-19", 0.8, 0.83, 0),
    ("blind-21", 0.83, 0.85, 0),
    ("blind-33", 0.88, 0.71, 1),
    ("blind-34", 0.86, 0.85, 2),
    ("blind-35", 0.9, 0.85, 1),
    ("blind-36", 0.85, 0.85, 0),
    ("blind-38", 0.89, 0.85, 1),
    ("blind-39", 0.9, 0.85, 1),
    ("blind-40", 0.83, 0.85, 3),
    ("blind-41", 0.88, 0.85, 1),
    ("blind-42", 0.75, 0.7, 3),
    ("blind-43", 0.9, 0.85, 1),
    ("blind-44", 0.9, 0.85, 3),
    ("blind-45", 0.91, 0.77, 0),
    ("blind-48", 0.9, 0.85, 1),
    ("blind-49", 0.85, 0.65, 1),
    ("blind-50", 0.88, 0.84, 0),
    ("blind-51", 0.79, 0.73, 1),
    ("blind-52", 0.89, 0.85, 1),
    ("blind-53", 0.84, 0.85, 3),
    ("blind-54", 0.9, 0.81, 0),
    ("blind-55", 0.88, 0.84, 1),
    ("blind-57", 0.8, 0.85, 1),
    ("blind-59", 0.9, 0.85, 1),
    ("blind-60", 0.89, 0.85, 1),
    ("blind-61", 0.9, 0.85, 1),
    ("blind-62", 0.88, 0.85, 1),
    ("blind-63", 0.88, 0.65, 1),
    ("blind-64", 0.86, 0.83, 0),
    ("blind-65", 0.89, 0.83, 1),
    ("blind-66", 0.91, 0.83, 0),
    ("blind-67", 0.88, 0.85, 0),
    ("blind-69", 0.82, 0.73, 0),
    ("blind-71", 0.86, 0.73, 0),
    ("blind-72", 0.89, 0.83, 0),
    ("blind-73", 0.83, 0.85, 2),
    ("blind-74", 0.81, 0.85, 1),
    ("blind-75", 0.88, 0.85, 0),
    ("blind-76", 0.86, 0.85, 0),
    ("blind-78", 0.9, 0.85, 1),
    ("blind-79", 0.85, 0.85, 0),
    ("blind-82", 0.89, 0.85, 0),
    ("blind-83", 0.9, 0.81, 1),
    ("blind-84", 0.82, 0.85, 1),
    ("blind-86", 0.82, 0.85, 0),
    ("blind-90", 0.89, 0.85, 1),
    ("blind-91", 0.81, 0.85, 0),
]


@pytest.mark.parametrize(("held_out", "precision", "recall", "false_alarms"), HELD_OUT_FLOORS)
def test_the_model_generalises_to_a_corpus_it_did_not_see(
    found: dict, held_out: str, precision: float, recall: float, false_alarms: int
) -> None:
    """Trained without the held-out set (which the lexicons were not tuned on either), the
    model finds more of its harm than the cue lexicons alone, and stays precise."""
    corpus = evaluation.load(DATA / held_out)
    others = [e for name, rows in found.items() if name != held_out for e in rows]
    model = KindModel.from_json(training.fit(others))
    figures = training.compare(corpus, found[held_out], model)
    rules, with_model = figures["rules"], figures["model"]
    assert with_model["harmful"]["recall"] > rules["harmful"]["recall"]
    assert with_model["harmful"]["recall"] >= recall, with_model["errors"]
    assert with_model["harmful"]["precision"] >= precision, with_model["errors"]
    assert with_model["false_alarms"] <= false_alarms


def test_training_refuses_a_corpus_without_every_kind(found: dict) -> None:
    only_smear = [e for e in found["blind-8"] if e.kind in ("smear", "mention")]
    with pytest.raises(ValueError, match="doxxing, impersonation, leak, phishing, threat"):
        training.fit(only_smear)


def test_probabilities_and_reasons() -> None:
    model = KindModel(
        classes=("mention", "smear"),
        intercepts=(0.5, -0.5),
        weights={"word:agento": (-1.0, 2.0), "cues:smear": (0.0, 1.0)},
    )
    quiet, no_reasons = model.predict_parts({}, ["unknow"])
    assert no_reasons == []
    assert quiet["mention"] > quiet["smear"]
    assert sum(quiet.values()) == pytest.approx(1)
    probabilities, reasons = model.predict_parts({"cues:smear": 0.5}, ["agento"])
    assert probabilities["smear"] > 0.9
    assert reasons == [("word:agento", 3.0), ("cues:smear", 0.5)]


def test_word_features_are_prefixes_of_meaningful_words() -> None:
    assert word_keys(["агентов", "агентами", "и", "2024", "xainlər"]) == {
        "агенто",
        "агента",
        "xainlə",
    }
    made = feature_map({"smear": 0.3}, 0.1, ["phone"], "minor", ["grant"])
    assert made == {
        "cues:smear": 0.3,
        "cues:report": 0.1,
        "found:phone": 1.0,
        "people:minor": 1.0,
        "word:grant": 1.0,
    }


def test_standing_tells_the_person_a_story_is_about_from_those_quoted_beside() -> None:
    assert standings([]) == []
    assert standings([3]) == ["alone"]
    assert standings([4, 1, 4]) == ["", "minor", ""]
    matcher = Matcher.build(
        [Registration(1, ("Aysel Nəcəfova",)), Registration(2, ("Rəşad Hüseynli",))]
    )
    text = (
        "Aysel Nəcəfova warns of a fake page in her name. Nəcəfova says the page is not hers; "
        "her lawyer Rəşad Hüseynli has reported it."
    )
    people = by_person(matcher.find(text))
    assert [e.standing for e in gather_all(text, people)] == ["", "minor"]
    assert "people:minor" in gather_all(text, people)[1].features()


def test_the_person_own_name_is_not_a_word_feature() -> None:
    matcher = Matcher.build([Registration(1, ("Aysel Nəcəfova",))])
    [evidence] = gather_all(
        "Aysel Nəcəfova got grants.", [matcher.find("Aysel Nəcəfova got grants.")]
    )
    assert evidence.words == frozenset({"got", "grants"})
    [mention] = analyse(matcher, "Aysel Nəcəfova got grants.")
    assert set(mention.scores) == set(default_model().classes)
