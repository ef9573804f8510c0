"""Labels: quotations and voice, the loaded-word model, and quality floors on public data."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from counterpoint.analyze import analyze
from counterpoint.analyze.attribution import find_attributions
from counterpoint.analyze.entities import find_mentions
from counterpoint.analyze.loaded import default_model
from counterpoint.analyze.nlp import load_nlp
from counterpoint.analyze.voice import is_mention, quotations, voice_of
from counterpoint.ingest import article_from_text
from counterpoint.model import Attribution, Span

ROOT = Path(__file__).resolve().parents[1]
EVAL = (ROOT / ".." / "shared" / "eval").resolve()
sys.path.insert(0, str(ROOT))

from benchmarks import bias  # noqa: E402
from benchmarks import labels as bench  # noqa: E402


def run(text: str):
    return analyze(article_from_text(text, source="test", outlet="test"))


def _quoted(text: str) -> list[str]:
    return [text[q.start : q.end] for q in quotations(text)]


# --- quotations ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("He called it “a disgrace” and left.", ["a disgrace"]),
        ('He called it "a disgrace" and "a shame."', ["a disgrace", "a shame."]),
        # a quotation left open runs to the end of its paragraph; the next one reopens it
        ('"We will win. We always do.\n\n"Nobody can stop us," she said.',
         ["We will win. We always do.", "Nobody can stop us,"]),
        # a closing mark with no opening one closes a quotation begun with the paragraph
        ("It is over, he wrote.\n\nWe lost,” the senator said.", ["We lost,"]),
        ("Nothing quoted here.", []),
    ],
)
def test_quotations(text, quoted):
    assert _quoted(text) == quoted


def _voice(text: str, term: str, attributions=()):
    start = text.index(term)
    return voice_of(start, start + len(term), text=text, quotes=quotations(text),
                    attributions=list(attributions))


def _attribution(text: str, speaker: str, content: str, cue: str) -> Attribution:
    def span(part: str) -> Span:
        start = text.index(part)
        return Span(start=start, end=start + len(part), text=part)

    return Attribution(source=span(speaker), cue=span(cue), content=span(content), direct=True,
                       speaker=speaker)


def test_a_span_with_its_own_quotation_marks_is_quoted():
    text = "Critics called the plan “utterly irresponsible.” It passed anyway."
    assert _voice(text, "“utterly irresponsible.”").voice == "quoted"


def test_two_quoted_words_joined_by_and_are_quoted():
    text = "The lawyer said the decisions were “standardless” and “recordless.”"
    assert _voice(text, "“standardless” and “recordless.”").voice == "quoted"


def test_words_outside_quotations_are_own_or_attributed():
    text = "Mr. Lee said the fierce debate was over. The fierce debate went on."
    said = _attribution(text, "Mr. Lee", "the fierce debate was over", "said")
    first = text.index("fierce")
    inside = voice_of(first, first + 6, text=text, quotes=quotations(text), attributions=[said])
    assert (inside.voice, inside.speaker) == ("attributed", "Mr. Lee")
    second = text.index("fierce", first + 1)
    outside = voice_of(second, second + 6, text=text, quotes=quotations(text),
                       attributions=[said])
    assert (outside.voice, outside.speaker) == ("own", None)


def test_a_continued_quotation_keeps_the_speaker_of_the_paragraph_before():
    text = ('"It is a phony ideal," Mr. Cruz said. "It will fail.\n\n'
            '"And it is a disgrace."')
    said = _attribution(text, "Mr. Cruz", "It is a phony ideal,", "said")
    voicing = _voice(text, "disgrace", [said])
    assert (voicing.voice, voicing.speaker) == ("quoted", "Mr. Cruz")


def test_a_quotation_takes_the_speaker_of_the_cue_beside_it():
    text = 'Mr. Ruiz was blunt. "This is a sham," he said, according to Ms. Park.'
    said = _attribution(text, "Ms. Park", "This is a sham,", "said")
    said = Attribution(source=said.source, cue=Span(start=text.index("said"),
                       end=text.index("said") + 4, text="said"),
                       content=Span(start=0, end=3, text="Mr."), direct=False,
                       speaker="Ms. Park")
    assert _voice(text, "sham", [said]).speaker == "Ms. Park"


def _voice_parsed(text: str, term: str):
    """The voice of ``term`` as the pipeline gives it: parse, attributions, mentions."""
    doc = load_nlp()(text)
    mentions = find_mentions(doc, offset=0, sentence_of=lambda char: 0)
    found = find_attributions(doc, offset=0, mentions=mentions)
    start = text.index(term)
    return voice_of(start, start + len(term), text=text, quotes=quotations(text, doc=doc),
                    attributions=found)


@pytest.mark.parametrize(
    ("text", "term", "voice"),
    [
        # scare quotes: one word doing its work in the writer's sentence
        ('He also said he "certainly" does not know the student.', '"certainly"',
         "attributed"),
        ("Braley said he “respects” Grassley and supports farmers.", "“respects”",
         "attributed"),
        ("Officials are part of a “scheme” that sells marijuana across state lines.",
         "“scheme”", "own"),
        # a quoted modifier of a noun outside the quotation
        ('The bill let shops refuse service on "religious freedom" grounds.',
         '"religious freedom"', "own"),
        # what someone was called, or all that was said, is a quotation
        ("Republican spokesman Tim Miller called Biden “unhinged.”", "“unhinged.”",
         "quoted"),
        ('At one point, Weiner referred to a reporter as a "jackass."', '"jackass."', "quoted"),
        ('Asked whether he would resign, the mayor said "no."', '"no."', "quoted"),
        ('"Never," the mayor said when asked about resigning.', '"Never,"', "quoted"),
        # a series of quoted words, and fragments of more than one word, give the wording
        ("Mr. Sellers said the decisions were “standardless” and “recordless.”",
         "“standardless” and “recordless.”", "quoted"),
        ('Mr. Bopp said he was "shocked and appalled" by the question.',
         '"shocked and appalled"', "quoted"),
    ],
)
def test_scare_quotes_and_quoted_modifiers_are_not_quotations(text, term, voice):
    assert _voice_parsed(text, term).voice == voice


def test_without_a_parse_every_quotation_counts():
    text = 'He said he "certainly" does not know the student.'
    assert _quoted(text) == ["certainly"]
    doc = load_nlp()(text)
    assert [is_mention(q, doc) for q in quotations(text)] == [True]
    assert quotations(text, doc=doc) == []


def test_the_content_of_a_stance_is_in_the_writers_words():
    stance = "Republican senators criticized the governor's plan to cut taxes for the richest."
    speech = "Republican senators said the governor's plan would cut taxes for the richest."
    assert _voice_parsed(stance, "richest").voice == "own"
    said = _voice_parsed(speech, "richest")
    assert (said.voice, said.speaker) == ("attributed", "Republican senators")


# --- the loaded-word model -------------------------------------------------------------------


def test_the_model_file_says_how_it_was_made():
    model = default_model()
    assert model.domain in model.intercepts and 0 < model.threshold < 1
    assert set(model.trained_on) == {"basil", "babe", "ptc"}
    assert model.meta["command"].startswith("python scripts/train_loaded.py")


def test_loaded_words_become_labels_with_their_voice():
    labels = run("Republicans lashed out at the senator on Monday. "
                 "“It is a disgusting sham,” the judge said.").labels
    loaded = [lb for lb in labels if lb.kind == "loaded"]
    assert loaded and all(lb.loaded and lb.score >= default_model().threshold for lb in loaded)
    own = [lb.text for lb in loaded if lb.voice == "own"]
    quoted = [(lb.text, lb.speaker) for lb in loaded if lb.voice == "quoted"]
    assert any("lashed" in text for text in own)
    assert any(text.startswith("disgusting") and who == "judge" for text, who in quoted)


@pytest.mark.parametrize(
    "text",
    [
        "The committee met on Tuesday and approved the budget for next year.",
        "The river rose by two metres after three days of rain.",
    ],
)
def test_plain_reporting_has_no_loaded_labels(text):
    assert [lb.text for lb in run(text).labels if lb.loaded] == []


def test_word_scores_are_probabilities_and_punctuation_scores_zero():
    doc = load_nlp()("What a shameful, cowardly act!")
    scores = default_model().word_scores(doc)
    assert len(scores) == len(doc) and all(0.0 <= s <= 1.0 for s in scores)
    assert scores[-1] == 0.0 and scores[doc.text.split().index("shameful,")] > scores[0]


def test_sentence_scores_rank_slanted_above_plain():
    nlp, model = load_nlp(), default_model()
    slanted, plain = model.sentence_scores([
        nlp("The radical left's hysterical smear campaign is a disgrace to this country."),
        nlp("The city council will vote on the budget on Monday."),
    ])
    assert 0.0 <= plain < slanted <= 1.0


# --- scoring helpers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("predicted", "gold", "entities", "right"),
    [
        (None, None, (), True),
        ("Mr. Santorum", None, (), False),
        ("Rick Santorum", "Rick_Santorum", (), True),
        ("Santorum", "Rick_Santorum", (), True),
        ("Democrats", "Democratic_Lawmakers", (), True),
        ("James Bopp", "other_anti", ("Barack_Obama",), True),
        ("Obama", "other_anti", ("Barack_Obama",), False),
        (None, "other_anti", (), False),
    ],
)
def test_speaker_matching(predicted, gold, entities, right):
    assert bench.speaker_matches(predicted, gold, entities) is right


# --- quality floors on fixed subsets of the public data --------------------------------------

needs_eval = pytest.mark.skipif(not (EVAL / "basil").is_dir(), reason="../shared/eval is absent")


def _held_out(dataset: str, count: int) -> list[bias.Doc]:
    return bench.unseen(dataset, bias.load(dataset, EVAL))[:count]


@needs_eval
def test_basil_voice_floor():
    docs = bias.load("basil", EVAL)[:30]  # voice is not learned: any BASIL articles will do
    voice = bench.score_voice(docs, bench.analyse(docs))
    assert voice["voiced_spans"] >= 30
    assert voice["voice_accuracy"] >= VOICE_FLOOR
    assert voice["voice_accuracy"] > voice["baseline_quote_marks_voice_accuracy"]
    assert voice["speaker_accuracy"] >= SPEAKER_FLOOR


@needs_eval
def test_babe_floor():
    docs = _held_out("babe", 200)
    result = bench.score_babe(docs, bench.analyse(docs), set())
    assert result["token_f1"] >= BABE_TOKEN_FLOOR
    assert result["sentence_f1"] >= BABE_SENTENCE_FLOOR


@needs_eval
def test_ptc_floor():
    docs = _held_out("ptc", 12)
    result = bench.score_ptc(docs, bench.analyse(docs), set())
    assert result["loaded_language_f1_overlap"] >= PTC_FLOOR
    assert result["loaded_language_f1_overlap"] > result[
        "baseline_designations_loaded_language_f1_overlap"]


# Measured on these subsets on 2026-11-22 (voice .895, speaker .816, BABE words .362,
# sentences .800, PTC loaded language .224; with the contextual loaded-word model and the
# scare-quote rule: voice .868, speaker .816, BABE words .384, sentences .800, PTC .215);
# floors sit a little below, and only ever rise.
VOICE_FLOOR = 0.86
SPEAKER_FLOOR = 0.78
BABE_TOKEN_FLOOR = 0.36
BABE_SENTENCE_FLOOR = 0.75
PTC_FLOOR = 0.2
