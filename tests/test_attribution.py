"""Attributions: the constructions one by one, quotations, and a quality floor on PolNeAR."""

from __future__ import annotations

import bisect
import sys
from pathlib import Path

import pytest

from counterpoint.analyze.attribution import find_attributions, find_quotes
from counterpoint.analyze.entities import find_mentions
from counterpoint.analyze.nlp import load_nlp
from counterpoint.model import Attribution

ROOT = Path(__file__).resolve().parents[1]
POLNEAR = (ROOT / ".." / "shared" / "eval" / "polnear").resolve()
sys.path.insert(0, str(ROOT))

from benchmarks.attribution import (  # noqa: E402
    baseline,
    match_exact,
    match_overlap,
    normalise,
    predict,
    score,
)
from benchmarks.polnear import Gold, load, parse_ann  # noqa: E402


def attributions(text: str) -> list[Attribution]:
    doc = load_nlp()(text)
    starts = [s.start_char for s in doc.sents]
    mentions = find_mentions(
        doc, offset=0, sentence_of=lambda c: max(0, bisect.bisect_right(starts, c) - 1)
    )
    found = find_attributions(doc, offset=0, mentions=mentions)
    for a in found:
        for span in (a.source, a.cue, a.content, *a.parts):
            if span is not None:
                assert text[span.start : span.end] == span.text, span
    return found


def only(text: str) -> Attribution:
    top = [a for a in attributions(text) if a.depth == 0]
    assert len(top) == 1, [(a.cue.text, a.content.text) for a in top]
    return top[0]


# --- constructions -------------------------------------------------------------------------


def test_direct_quote_before_the_cue():
    a = only("“We will rebuild every home,” Governor Tom Reyes said.")
    assert (a.cue.text, a.source.text, a.content.text) == (
        "said", "Governor Tom Reyes", "We will rebuild every home")
    assert a.direct is True
    assert a.speaker == "Tom Reyes"


def test_direct_quote_after_a_colon():
    a = only('The mayor said: "Nobody will be left behind."')
    assert (a.source.text, a.content.text, a.direct) == (
        "The mayor", "Nobody will be left behind", True)


def test_quote_interrupted_by_the_cue_keeps_both_pieces():
    a = only("“We will stay,” the mayor said, “until every family is home.”")
    assert a.content.text == "We will stay"
    assert [p.text for p in a.parts] == ["We will stay", "until every family is home"]


def test_x_said_that():
    a = only("Interior Minister Maria Lopez said that the fire had been contained.")
    assert (a.cue.text, a.source.text) == ("said", "Interior Minister Maria Lopez")
    assert a.content.text == "that the fire had been contained"
    assert a.direct is False and a.speaker == "Maria Lopez"


def test_reported_speech_without_that():
    a = only("The health ministry said 40 people had been killed in the raid.")
    assert a.content.text == "40 people had been killed in the raid"
    assert a.speaker == "health ministry"


def test_according_to():
    a = only("According to the city council, the damage ran into millions.")
    assert (a.cue.text, a.source.text, a.content.text) == (
        "According to", "the city council", "the damage ran into millions")


def test_according_to_after_the_clause():
    a = only("The damage ran into millions, according to the city council.")
    assert (a.source.text, a.content.text) == ("the city council", "The damage ran into millions")


def test_x_told_y_the_hearer_is_not_the_content():
    a = only("Karimi told reporters that 40 people had been detained.")
    assert (a.cue.text, a.source.text) == ("told", "Karimi")
    assert a.content.text == "that 40 people had been detained"


def test_x_told_y_with_a_quotation():
    a = only('"The situation is under control," police spokesman Ali Karimi told reporters.')
    assert (a.content.text, a.speaker, a.direct) == (
        "The situation is under control", "Ali Karimi", True)


def test_parenthetical_cue_takes_the_clause_around_it():
    a = only("The ceasefire, the minister said, will hold until Friday.")
    assert a.source.text == "the minister"
    assert [p.text for p in a.parts] == ["The ceasefire", "will hold until Friday"]


@pytest.mark.parametrize(
    ("text", "cue", "source", "content"),
    [
        ("The agency reported that the road was closed.", "reported", "The agency",
         "that the road was closed"),
        ("The army described the attackers as terrorists.", "described", "The army",
         "the attackers as terrorists"),
        ("Trump accused Cruz of lying about his record.", "accused", "Trump",
         "Cruz of lying about his record"),
        ("Officials warned that the dam could fail.", "warned", "Officials",
         "that the dam could fail"),
        ("The hospital confirmed that three patients had died.", "confirmed", "The hospital",
         "that three patients had died"),
        ("Sanders has also said that he will stay in the race.", "has also said", "Sanders",
         "that he will stay in the race"),
        ("The senator vowed to block the bill.", "vowed", "The senator", "to block the bill"),
        ("The governor criticized the plan.", "criticized", "The governor", "the plan"),
        ("The candidate talked about taxes.", "talked about", "The candidate", "taxes"),
        ("The union is critical of the deal.", "is critical of", "The union", "the deal"),
        ("The move was first reported by MSNBC.", "was first reported", "MSNBC", "The move"),
        ("Clinton, who said she would win, smiled.", "said", "who", "she would win"),
    ],
)
def test_cues(text, cue, source, content):
    a = only(text)
    assert (a.cue.text, a.source.text, a.content.text) == (cue, source, content)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("The governor criticized the plan.", "stance"),
        ("The union is critical of the deal.", "stance"),
        ("Her support for Cruz surprised many.", "stance"),
        ("The governor said the plan had failed.", "speech"),
        ("Trump accused Cruz of lying.", "speech"),
        ("Trump's claim that the vote was rigged spread quickly.", "speech"),
    ],
)
def test_stance_only_names_what_the_source_is_for_or_against(text, kind):
    assert only(text).kind == kind


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # the name that ends the source phrase is who spoke
        ("Secretary of State John Kerry said the talks would resume.", "John Kerry"),
        ("The UK-based Syrian Observatory for Human Rights said 130 people were killed.",
         "Syrian Observatory for Human Rights"),
        ("Josh Earnest, the White House press secretary, said the comments were consistent.",
         "Josh Earnest"),
        # a name that only qualifies the phrase is not: the phrase is
        ("U.S. and Iranian officials said progress was made this week.",
         "U.S. and Iranian officials"),
        ("More than a dozen House and Senate Democrats said they would skip the speech.",
         "More than a dozen House and Senate Democrats"),
    ],
)
def test_speaker_is_the_name_heading_the_source_or_else_the_phrase(text, speaker):
    assert only(text).speaker == speaker


@pytest.mark.parametrize(
    ("text", "source", "content"),
    [
        ("The plan, said the mayor, will cost millions.", "the mayor",
         ["The plan", "will cost millions"]),
        ("The bridge, said Governor Tom Reyes, would reopen on Monday.", "Governor Tom Reyes",
         ["The bridge", "would reopen on Monday"]),
        ("The toll, officials said, could rise.", "officials", ["The toll", "could rise"]),
    ],
)
def test_a_cue_set_inside_the_clause_it_reports(text, source, content):
    a = only(text)
    assert a.source.text == source
    assert [p.text for p in (a.parts or (a.content,))] == content


def test_who_takes_the_noun_it_refers_to_as_speaker():
    assert only("Clinton, who said she would win, smiled.").speaker == "Clinton"


def test_pronoun_source_takes_the_earlier_speaker():
    found = attributions("Governor Tom Reyes said the roads were open. He said schools would "
                         "reopen on Monday.")
    assert [a.source.text for a in found] == ["Governor Tom Reyes", "He"]
    assert [a.speaker for a in found] == ["Tom Reyes", "Tom Reyes"]


def test_seem_and_expected_have_no_source():
    a = only("A long fight is expected to last into the spring.")
    assert a.source is None
    assert [p.text for p in a.parts] == ["A long fight", "to last into the spring"]
    b = only("Clinton seems ready to run again.")
    assert b.source is None and [p.text for p in b.parts] == ["Clinton", "ready to run again"]


def test_speech_inside_speech_is_deeper():
    found = attributions("The army said the rebels claimed a victory near the city.")
    assert [(a.cue.text, a.depth) for a in found] == [("said", 0), ("claimed", 1)]


def test_transcript_speaker_before_a_colon():
    a = only("PENCE: Well, look, we are going to win this election.")
    assert (a.cue.text, a.source.text) == (":", "PENCE")
    assert a.content.text == "Well, look, we are going to win this election"


def test_a_description_is_not_an_attribution():
    assert attributions("Kioumars Pourhashemi, also known as Haji Hashem, was killed.") == []
    assert attributions("The river burst its banks after three days of rain.") == []


# --- quotations -----------------------------------------------------------------------------


def test_quotation_left_open_carries_on_into_the_next_paragraph():
    text = "“We will stay until the job is done.\n“Every family will be home by winter.”"
    quotes = find_quotes(text)
    assert [text[q.start : q.end] for q in quotes] == [
        "We will stay until the job is done.", "Every family will be home by winter."]
    assert [q.carries_on for q in quotes] == [True, False]


def test_quotation_spanning_paragraphs_is_one_content():
    text = ("“We will stay until the job is done,” the mayor said. “We have asked for help.\n"
            "“Every family will be home by winter.”\n"
            "The council meets on Monday.")
    a = only(text)
    assert [p.text for p in a.parts] == [
        "We will stay until the job is done", "We have asked for help",
        "Every family will be home by winter"]
    assert "council" not in " ".join(p.text for p in a.parts)


def test_paragraphs_are_lines_that_are_not_blank():
    text = "“We will stay until the job is done.\n\n“Every family will be home by winter.”"
    quotes = find_quotes(text)
    assert [(q.paragraph, q.carries_on, q.leading) for q in quotes] == [
        (0, True, True), (1, False, True)]


def test_a_straight_mark_after_a_word_closes_a_quotation_begun_with_the_paragraph():
    text = 'He was angry.\nWe lost," the senator said, "and we will be back."'
    assert [text[q.start : q.end] for q in find_quotes(text)] == [
        "We lost,", "and we will be back."]


def test_a_quotation_carries_on_over_a_blank_line():
    text = ("“We will stay until the job is done,” the mayor said. “We have asked for help.\n\n"
            "“Every family will be home by winter.”")
    assert [p.text for p in only(text).parts][-1] == "Every family will be home by winter"


def test_straight_and_doubled_apostrophe_quotes():
    text = "''It is over,'' he said. \"We lost.\""
    assert [text[q.start : q.end] for q in find_quotes(text)] == ["It is over,", "We lost."]


# --- the scoring used by benchmarks/attribution.py ------------------------------------------


def test_overlap_matching_is_one_to_one_and_greedy():
    gold = [((0, 10),), ((20, 30),)]
    predicted = [((5, 25),), ((8, 9),)]
    # (5, 25) shares 5 characters with each gold span; ties go to the earlier gold span,
    # then (8, 9) takes nothing: (0, 10) is taken
    assert match_overlap(gold, predicted) == {0: 0}
    assert match_overlap(gold, [((25, 26),), ((1, 2),)]) == {1: 0, 0: 1}


def test_exact_matching_normalises_punctuation_and_joins_pieces():
    text = "“Yes,” he said, “we will.”"
    assert normalise(text, ((0, 6),)) == ((1, 4),)
    # two ranges with only punctuation and space between them are joined
    assert normalise("a, b", ((0, 1), (3, 4))) == ((0, 4),)
    assert match_exact(text, [((0, 6),)], [((1, 4),), ((1, 4),)]) == 1


def test_link_accuracy_counts_sources_of_matched_contents():
    text = "x" * 100
    gold = [Gold(source=((0, 5),), cue=((6, 10),), content=((11, 30),)),
            Gold(source=(), cue=((40, 45),), content=((46, 60),))]
    predicted = [Gold(source=((2, 4),), cue=((6, 10),), content=((11, 20),)),
                 Gold(source=((35, 38),), cue=((40, 45),), content=((50, 55),))]

    class Doc:
        attributions = gold

    Doc.text = text
    result = score([Doc], [predicted])
    assert result["link_accuracy"] == 1.0 and result["link_scored"] == 1
    assert result["no_source_agreement"] == 0.0 and result["no_source_scored"] == 1
    assert result["source_precision_overlap"] == 0.5 and result["source_recall_overlap"] == 1.0
    assert result["content_f1_exact"] == 0.0 and result["content_f1_overlap"] == 1.0


def test_brat_lines_continue_over_line_breaks():
    ann = ("T1\tSource 0 3\tAna\nT2\tCue 4 8\tsaid\nT3\tContent 9 14;15 18\tit was\n\nfun\n"
           "E1\tAttribution:T2 Source:T1 Cue:T2 Content:T3\n")
    text = "Ana said it was\nfun"
    (gold,) = parse_ann(ann, "x.ann", text)
    assert gold == Gold(source=((0, 3),), cue=((4, 8),), content=((9, 14), (15, 18)))


def test_baseline_reads_quotes_and_said():
    (found,) = baseline("“It is over,” said Maria Lopez.")
    assert found.content == ((1, 12),) and found.cue == ((14, 18),)
    assert found.source == ((19, 31),)  # "Maria Lopez." -- the full stop is normalised away


# --- quality floor on PolNeAR ----------------------------------------------------------------


@pytest.fixture(scope="module")
def seven_articles():
    """The first dev article of each of the seven publishers (222 gold attributions)."""
    if not POLNEAR.is_dir():
        pytest.skip(f"PolNeAR is not at {str(POLNEAR)!r} (shared/ beside the repository)")
    docs = [d for d in load(POLNEAR) if d.compartment == "dev"]
    first: dict[str, object] = {}
    for doc in docs:
        first.setdefault(doc.name.split("_")[0], doc)
    return list(first.values())


def test_quality_floor_on_polnear(seven_articles):
    assert len(seven_articles) == 7
    predicted, _ = predict(seven_articles)
    result = score(seven_articles, predicted)
    base = score(seven_articles, [baseline(d.text) for d in seven_articles])
    # measured: overlap F1 0.770 source / 0.793 cue / 0.793 content, link 0.919, exact content
    # 0.550 on these 7 articles (baseline content overlap F1 0.373)
    assert result["source_f1_overlap"] >= 0.74
    assert result["cue_f1_overlap"] >= 0.76
    assert result["content_f1_overlap"] >= 0.76
    assert result["content_f1_exact"] >= 0.50
    assert result["link_accuracy"] >= 0.88
    assert result["content_f1_overlap"] >= 1.8 * base["content_f1_overlap"]
