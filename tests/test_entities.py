"""analyze.entities: the tagger's names cleaned, cut, split and completed.

The small tagger's mistakes vary with the text, so each test runs the real
pipeline and then sets the entities the tagger is known to produce in such
cases (a name run across a line break, a heading run together, a missed repeat).
"""

from __future__ import annotations

import pytest

from counterpoint.analyze.entities import find_mentions
from counterpoint.analyze.nlp import load_nlp
from counterpoint.lexicon import in_longer_name, is_heading


def mentions_with(text: str, ents: list[tuple[str, str, int]]) -> list[tuple[str, str]]:
    """The mentions found in ``text`` when the tagger's entities are ``ents``:
    ``(surface, label, occurrence)``, the occurrence counted from 0."""
    doc = load_nlp()(text)
    spans = []
    for surface, label, occurrence in ents:
        start = -1
        for _ in range(occurrence + 1):
            start = text.index(surface, start + 1)
        span = doc.char_span(start, start + len(surface), label=label)
        assert span is not None, f"{surface!r} does not fall on token boundaries"
        spans.append(span)
    doc.ents = spans
    found = find_mentions(doc, offset=0, sentence_of=lambda _: 0)
    assert all(text[m.start : m.end] == m.text for m in found)
    return [(m.text, m.type) for m in found]


def test_a_name_never_runs_across_a_line_break():
    text = "The offer was first reported by Teixeira\nBoston made an offer on Monday."
    found = mentions_with(text, [("Teixeira\nBoston", "ORG", 0)])
    assert ("Teixeira", "ORG") in found
    assert ("Boston", "ORG") in found
    assert not any("\n" in name for name, _ in found)


def test_a_heading_run_together_is_cut_to_the_names_of_the_running_text():
    text = ("Lindsay Lohan Checks Into Rehab Again\n"
            "Lindsay Lohan has checked into a clinic in California, her lawyer said on Friday.")
    found = mentions_with(text, [("Lindsay Lohan Checks Into", "PERSON", 0),
                                 ("Lindsay Lohan", "PERSON", 1), ("California", "GPE", 0)])
    assert found.count(("Lindsay Lohan", "PERSON")) == 2
    assert not any("Checks" in name for name, _ in found)


def test_two_names_glued_by_and_or_a_hyphen_are_split():
    text = ("Police arrested Andrew Lopez and Jose Carrasquillo on Friday. "
            "Lopez and Carrasquillo were charged. Evansville beat Indiana State, and the "
            "Evansville-Indiana State game ended late.")
    found = mentions_with(text, [
        ("Andrew Lopez", "PERSON", 0), ("Jose Carrasquillo", "PERSON", 0),
        ("Lopez and Carrasquillo", "ORG", 0), ("Evansville", "ORG", 0),
        ("Indiana State", "ORG", 0), ("Evansville-Indiana State", "ORG", 0),
    ])
    names = [name for name, _ in found]
    assert "Lopez and Carrasquillo" not in names and "Evansville-Indiana State" not in names
    assert names.count("Lopez") == 1 and names.count("Carrasquillo") == 1
    assert names.count("Evansville") == 2 and names.count("Indiana State") == 2


def test_repeats_the_tagger_missed_become_mentions():
    text = ("Tony Thompson lost the fight in Bern. After the bout Thompson said he was tired. "
            "The Indianapolis Colts won at home, and the Colts play again on Sunday.")
    found = mentions_with(text, [("Tony Thompson", "PERSON", 0), ("Bern", "GPE", 0),
                                 ("Indianapolis Colts", "ORG", 0)])
    assert ("Thompson", "PERSON") in found  # a surname
    assert ("Colts", "ORG") in found  # the last word of a team's name


def test_a_repeat_inside_another_name_is_left_alone():
    text = "Tony Thompson met the writer Hunter Thompson in Aspen on Tuesday."
    found = mentions_with(text, [("Tony Thompson", "PERSON", 0), ("Aspen", "GPE", 0)])
    assert [name for name, _ in found].count("Thompson") == 0


def test_a_surname_that_is_also_a_title_stays_in_the_name():
    text = "General manager Billy King said the coach was fired on Monday."
    found = mentions_with(text, [("Billy King", "PERSON", 0)])
    assert ("Billy King", "PERSON") in found


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Lindsay Lohan Checks Into Rehab Again", True),
        ("COLTS BEAT CHIEFS TO CLINCH BERTH", True),
        ("Lindsay Lohan checked into a clinic on Friday, her lawyer said.", False),
        ("Obama wins", False),  # too short to tell
    ],
)
def test_is_heading(line, expected):
    assert is_heading(line) is expected


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("the writer Hunter Thompson said", "Thompson", True),
        ("Thompson Reuters reported", "Thompson", True),
        ("Later Thompson said", "Thompson", True),  # "Later" may open a name too
        ("Mr. Thompson said", "Thompson", False),
        ("The Colts won", "Colts", False),
        ("and Thompson said", "Thompson", False),
    ],
)
def test_in_longer_name(text, name, expected):
    start = text.index(name)
    assert in_longer_name(text, start, start + len(name)) is expected
