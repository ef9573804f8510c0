"""analyze: figures, attributions, labels and mentions on short texts, and the span invariant."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counterpoint.analyze import analyze, analyze_many
from counterpoint.codec import from_json, to_json
from counterpoint.ingest import article_from_text
from counterpoint.model import Analysis, Article

PUBLISHED = date(2024, 11, 29)  # a Friday


def article(text: str, *, published: date | None = PUBLISHED) -> Article:
    return article_from_text(text, source="test", outlet="Test Daily", published=published)


def run(text: str, *, published: date | None = PUBLISHED) -> Analysis:
    return analyze(article(text, published=published))


def spans(analysis: Analysis):
    """(kind, span) for every piece of an analysis that points into the article text."""
    for s in analysis.sentences:
        yield "sentence", s
    for c in analysis.claims:
        yield "claim", c
    for m in analysis.mentions:
        yield "mention", m
    for t in analysis.times:
        yield "time", t
    for f in analysis.figures:
        yield "figure", f
        yield "figure.number", f.number
    for a in analysis.attributions:
        if a.source is not None:
            yield "attribution.source", a.source
        yield "attribution.cue", a.cue
        yield "attribution.content", a.content
    for label in analysis.labels:
        yield "label", label
        if label.target is not None:
            yield "label.target", label.target


def assert_spans_hold(art: Article, analysis: Analysis) -> None:
    for kind, span in spans(analysis):
        assert 0 <= span.start <= span.end <= len(art.text), (kind, span)
        assert art.text[span.start : span.end] == span.text, (kind, span)
    for m in analysis.mentions:
        if m.alias_of is not None:
            assert any((o.start, o.end) == m.alias_of for o in analysis.mentions), m


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        (  # a blank line ends a sentence: a headline or subhead does not run on
            "Quake kills 23 in Valdoria\n\nA strong earthquake struck the town on Tuesday.\n"
            "Officials said the toll could rise.\n\nBackground\n\nThe region sits on a fault.",
            [
                "Quake kills 23 in Valdoria",
                "A strong earthquake struck the town on Tuesday.",
                "Officials said the toll could rise.",
                "Background",
                "The region sits on a fault.",
            ],
        ),
        (  # a closing quotation mark stays with its paragraph
            '"It has always been bipartisan. We need to keep it that way."\n\n'
            "Her statement was the toughest yet. Officials had said little.",
            [
                '"It has always been bipartisan.',
                'We need to keep it that way."',
                "Her statement was the toughest yet.",
                "Officials had said little.",
            ],
        ),
    ],
)
def test_sentences_follow_paragraphs(text, sentences):
    analysis = run(text)
    assert_spans_hold(article(text), analysis)
    assert [s.text for s in analysis.sentences] == sentences
    assert len(analysis.lemmas) == len(sentences)


# --- figures ---------------------------------------------------------------------------------


def test_killed_and_dozens_wounded():
    # "dozens" prints no number: it is no figure, never a count to compare
    analysis = run("At least 12 people were killed and dozens wounded when a bus overturned "
                   "near Lima on Tuesday.")
    (killed,) = analysis.figures
    assert (killed.value, killed.qualifier, killed.what, killed.who) == (
        12, "at least", "killed", "people")
    assert killed.number.text == "12"
    assert killed.text.startswith("At least 12 people")
    assert killed.scope == "event"


@pytest.mark.parametrize(
    "text",
    [
        "Dozens of people were killed in the blast.",
        "Two-thirds of the residents were evacuated on Monday.",
        "The pastor asked them to love one another.",
        "Neighbours called 911 when the shooting began.",
    ],
)
def test_numbers_that_count_nothing_are_no_figures(text):
    assert run(text).figures == ()


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Some 1, 500 houses were destroyed on Sunday.", 1500),  # a feed's "1, 500"
        ("The blast killed 26,000 people.", 26000),
    ],
)
def test_thousands_after_a_comma_are_one_number(text, value):
    (figure,) = run(text).figures
    assert figure.value == value


@pytest.mark.parametrize(
    ("text", "value", "unit", "what"),
    [
        ("Jackson spent $750,000 in campaign funds on personal items.", 750_000, "dollars",
         "spent"),
        ("The shutdown lasted 35 days.", 35, "days", "lasted"),
        ("He faces up to five years in prison.", 5, "years", "faces"),
        ("The ads cost 2 million euros.", 2_000_000, "euros", "cost"),
        ("The company paid $5 million in fines.", 5_000_000, "dollars", "paid"),
    ],
)
def test_money_and_durations_count_with_their_unit(text, value, unit, what):
    (figure,) = run(text).figures
    assert (figure.value, figure.unit, figure.what) == (value, unit, what)


def test_a_sum_under_no_verb_is_an_amount():
    (figure,) = run("Revenue: $5 million in 2012, the filing shows").figures
    assert (figure.value, figure.unit) == (5_000_000, "dollars")


@pytest.mark.parametrize("text", ["Two years ago he was elected.", "He was 44 years old."])
def test_spans_of_time_are_no_durations(text):
    assert run(text).figures == ()


@pytest.mark.parametrize(
    "text",
    [
        "A 6. 7-strength quake struck the island on Sunday.",
        "The first shots were heard at 1052 GMT on Monday.",
        "The epicentre was 58 km from the town.",
    ],
)
def test_measurements_and_times_are_no_counts(text):
    assert run(text).figures == ()


@pytest.mark.parametrize(
    "text",
    [
        "Since 2011, Israel has conducted hundreds of strikes that killed 300 fighters.",
        "An earthquake in 1999 killed 17,000 people in the same region.",
        "Decades ago, a flood there killed 400 people.",
    ],
)
def test_figures_of_history_are_background(text):
    (figure,) = run(text, published=date(2024, 11, 29)).figures
    assert figure.scope == "background"


def test_in_an_undated_article_a_figure_beside_a_named_year_is_background():
    text = ("A quake struck the island on Sunday, killing seven people. In December 2003, a "
            "quake killed more than 26,000 people in the city of Bam.")
    now, then = run(text).figures
    assert (now.value, now.scope) == (7, "event")
    assert (then.value, then.scope) == (26000, "background")
    dated = run(text, published=date(2003, 12, 30)).figures  # the same month: this event's
    assert [f.scope for f in dated] == ["event", "event"]


def test_a_month_is_dated_by_the_day_an_undated_article_names():
    text = ("A gunman shot three people at an office building on April 10, 2007, police said. "
            "In February, a gunman killed five people at a mall. In early March, a gunman "
            "wounded two people at a printing plant.")
    # February is weeks before the day the article names; early March within 45 days of it
    assert [(f.value, f.scope) for f in run(text, published=None).figures] == [
        (3, "event"), (5, "background"), (2, "event")]
    # a month alone, with no day to go by, is the news of a monthly count, not history
    count = run("In July, border agents apprehended 212,672 people.", published=None)
    assert [f.scope for f in count.figures] == ["event"]


@pytest.mark.parametrize(
    ("text", "value", "qualifier", "what", "who"),
    [
        ("Police said more than 300 protesters were arrested in the capital.",
         300, "more than", "arrested", "protesters"),
        ("Nearly 200 people are missing after the storm.", 200, "nearly", "missing", "people"),
        ("Nearly 200 people remain missing after the storm.",
         200, "nearly", "missing", "people"),
        ("The fire injured 45 workers at the plant.", 45, None, "wounded", "workers"),
        ("Officials said about 3,500 families were displaced by the floods.",
         3500, "about", "displaced", "families"),
        ("Rebels released two hostages on Sunday.", 2, None, "released", "hostages"),
    ],
)
def test_figure_values(text, value, qualifier, what, who):
    (figure,) = run(text).figures
    assert figure.value == value
    assert figure.qualifier == qualifier
    assert figure.what == what
    assert figure.who == who


@pytest.mark.parametrize(
    "text",
    [
        "The bridge was built in 2019 and reopened last spring.",
        "The ceasefire collapsed in 2012 after months of talks.",
        "The minister, 64, resigned on Friday.",
        "Prices rose 12 percent in the year to October.",
    ],
)
def test_numbers_that_count_no_group_are_not_figures(text):
    assert run(text).figures == ()


def test_a_number_too_long_for_a_float_is_no_figure():
    # past the largest float, a count would be infinite, which JSON cannot hold: the analysis
    # could be written but not read back
    analysis = run("The strike killed 1" + ",000" * 110 + " people, officials said.")
    assert analysis.figures == ()
    assert from_json(Analysis, to_json(analysis)) == analysis


def test_including_breaks_a_figure_down():
    analysis = run("A car bomb killed 20 people, including 5 children, in the market town "
                   "of Kasra on Monday.")
    total, children = analysis.figures
    assert (total.value, total.what, total.parent) == (20, "killed", None)
    assert total.includes == ("children",)
    assert (children.value, children.who, children.parent) == (5, "children", 0)
    assert children.includes == ()


def test_several_parts_of_a_breakdown():
    analysis = run("The attack killed 130 people, including 65 members of the group and "
                   "18 allied fighters.")
    total, members, allies = analysis.figures
    assert total.includes == ("members of the group", "allied fighters")
    assert members.parent == allies.parent == 0
    assert (members.value, allies.value) == (65, 18)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Police said 65 of the fighters were killed.", 65),
        ("The flood killed 24 people in the valley.", 24),
    ],
)
def test_number_of_group_is_a_figure(text, value):
    (figure,) = run(text).figures
    assert (figure.value, figure.what) == (value, "killed")


@pytest.mark.xfail(
    reason="figures do not handle 'among them' breakdowns: 'The strike killed 30 people, among "
    "them 12 soldiers and 9 civilians.' gives only the 30 figure (spaCy attaches 'soldiers' as "
    "'dep', so no outcome is found); with a trailing ', the ministry said' the parts are found "
    "but get parent None and includes ('them',), since _parent/_includes expect 'among' to head "
    "the part",
    strict=True,
)
def test_among_them_breaks_a_figure_down():
    total, soldiers, civilians = run(
        "The strike killed 30 people, among them 12 soldiers and 9 civilians.").figures
    assert soldiers.parent == civilians.parent == 0
    assert total.includes == ("soldiers", "civilians")


def test_figure_in_reported_speech_is_attributed():
    (figure,) = run("The health ministry said 40 people had been killed in the raid.").figures
    assert figure.attributed_to == "health ministry"


def test_figure_in_a_stance_is_the_writers():
    from counterpoint.compare.figures import chain

    analysis = run("Republicans criticized the plan, which would cut 5,000 jobs at the agency.")
    assert [a.kind for a in analysis.attributions] == ["stance"]
    (figure,) = analysis.figures
    assert figure.attributed_to is None
    assert chain(figure, analysis) == ()


# --- attributions ----------------------------------------------------------------------------


def test_said_that():
    (attribution,) = run("Interior Minister Maria Lopez said that the fire had been "
                         "contained.").attributions
    assert attribution.cue.text == "said"
    assert attribution.source.text == "Interior Minister Maria Lopez"
    assert attribution.speaker == "Maria Lopez"
    assert attribution.content.text.endswith("the fire had been contained")
    assert attribution.direct is False


def test_according_to():
    (attribution,) = run("According to the city council, the damage ran into "
                         "millions.").attributions
    assert attribution.cue.text == "According to"
    assert attribution.speaker == "city council"
    assert attribution.content.text == "the damage ran into millions"
    assert attribution.direct is False


@pytest.mark.parametrize(
    ("text", "speaker", "content"),
    [
        ("“We will rebuild every home,” Governor Tom Reyes said.",
         "Tom Reyes", "We will rebuild every home"),
        ('"The situation is under control," police spokesman Ali Karimi told reporters.',
         "Ali Karimi", "The situation is under control"),
    ],
)
def test_direct_quote(text, speaker, content):
    (attribution,) = run(text).attributions
    assert attribution.direct is True
    assert attribution.speaker == speaker
    assert attribution.content.text == content


def test_pronoun_source_takes_the_earlier_speaker():
    analysis = run('"The situation is under control," police spokesman Ali Karimi told '
                   "reporters. He said 40 people had been detained.")
    first, second = analysis.attributions
    assert second.source.text == "He"
    assert second.speaker == first.speaker == "Ali Karimi"


def test_text_without_speech_has_no_attributions():
    assert run("The river burst its banks after three days of rain.").attributions == ()


# --- labels and voice ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "term", "kind"),
    [
        ("Islamist militants stormed the village at dawn.", "Islamist militants", "actor"),
        ("The regime's forces bombed a hospital in the north.", "regime", "actor"),
        ("Terrorists attacked a checkpoint near the border.", "Terrorists", "actor"),
    ],
)
def test_label_in_the_outlets_own_words(text, term, kind):
    labels = [lb for lb in run(text).labels if lb.kind != "loaded"]  # designations only
    assert [(lb.text, lb.voice, lb.speaker, lb.kind) for lb in labels] == [
        (term, "own", None, kind)]


@pytest.mark.parametrize(
    ("text", "term", "speaker"),
    [
        ("“These terrorists will be punished,” General Samir Haddad said on Sunday.",
         "terrorists", "Samir Haddad"),
        ("“Those criminals will pay,” Minister Ahmad Vahidi said.", "criminals", "Ahmad Vahidi"),
    ],
)
def test_label_inside_a_quotation_is_quoted(text, term, speaker):
    (label,) = run(text).labels
    assert (label.text, label.voice, label.speaker) == (term, "quoted", speaker)


@pytest.mark.parametrize(
    ("text", "term", "speaker"),
    [
        ("The army said the terrorists had fled into the hills.", "terrorists", "army"),
        ("Officials described the attack as a massacre.", "massacre", "Officials"),
    ],
)
def test_label_in_reported_speech_is_attributed(text, term, speaker):
    (label,) = run(text).labels
    assert (label.text, label.voice, label.speaker) == (term, "attributed", speaker)


@pytest.mark.parametrize(
    "text",
    [
        "Two fighter jets flew over the city on Friday.",
        "Government forces shelled rebel positions near the border.",
        "The storm cut power to thousands of homes.",
    ],
)
def test_things_are_not_actor_labels(text):
    assert run(text).labels == ()


def test_a_word_inside_an_organisations_name_is_not_a_label():
    assert run("The National Liberation Army released two hostages.").labels == ()


# --- mentions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "alias"),
    [
        ("Kioumars Pourhashemi, also known as Haji Hashem, was killed in Aleppo.",
         "Kioumars Pourhashemi", "Haji Hashem"),
        ("The Kurdistan Workers' Party, also known as PKK, denied the claim.",
         "Kurdistan Workers' Party", "PKK"),
    ],
)
def test_also_known_as_links_the_alias(text, name, alias):
    mentions = {m.text: m for m in run(text).mentions}
    target = mentions[name]
    assert mentions[alias].alias_of == (target.start, target.end)
    assert target.alias_of is None


def test_also_known_as_the_alias():
    text = "The National Liberation Army, also known as the Elenos, released two hostages."
    mentions = {m.text: m for m in run(text).mentions}
    target = mentions["National Liberation Army"]
    assert mentions["Elenos"].alias_of == (target.start, target.end)


@pytest.mark.parametrize(
    ("text", "name", "acronym"),
    [
        ("The Syrian Democratic Forces (SDF) said it had captured the town.",
         "Syrian Democratic Forces", "SDF"),
        ("Doctors from the World Health Organization (WHO) arrived on Monday.",
         "World Health Organization", "WHO"),
    ],
)
def test_parenthesised_acronym_is_an_alias(text, name, acronym):
    mentions = {m.text: m for m in run(text).mentions}
    target = mentions[name]
    assert mentions[acronym].alias_of == (target.start, target.end)
    assert mentions[acronym].type == target.type == "ORG"


def test_mentions_are_cleaned_of_articles_and_titles():
    texts = {m.text for m in run("General Samir Haddad met the mayor of Lyon, Jean Martin, "
                                 "in Paris.").mentions}
    assert {"Samir Haddad", "Lyon", "Jean Martin", "Paris"} <= texts


def test_a_ministry_word_before_a_title_is_not_a_mention():
    texts = {m.text for m in run("Interior Minister Maria Lopez said that the fire had been "
                                 "contained.").mentions}
    assert texts == {"Maria Lopez"}


# --- spans, times and the body prefix --------------------------------------------------------

PREFIXED = (
    " date 2024-11-29 TEHRAN - Terrorists attacked a checkpoint near Zahedan on Thursday, "
    "killing at least 7 border guards, the interior ministry said. “Those criminals will pay,” "
    "Minister Ahmad Vahidi said. The Islamic Revolution Guards Corps (IRGC) sent 300 troops."
)


def test_spans_hold_with_a_body_prefix():
    art = article_from_text(PREFIXED, source="t", outlet="o")
    assert art.body_start > 0 and art.published == PUBLISHED
    analysis = analyze(art)
    assert_spans_hold(art, analysis)
    assert all(s.start >= art.body_start for _, s in spans(analysis))
    assert analysis.sentences[0].text.startswith("Terrorists attacked")
    assert [(t.text, t.value) for t in analysis.times] == [("Thursday", date(2024, 11, 28))]
    assert analysis.event_date == date(2024, 11, 28)
    assert {f.number.text for f in analysis.figures} == {"7", "300"}
    assert {m.text for m in analysis.mentions} >= {"Zahedan", "Ahmad Vahidi", "IRGC"}
    assert {(lb.text, lb.voice) for lb in analysis.labels} == {
        ("Terrorists", "attributed"), ("criminals", "quoted")}


@pytest.mark.parametrize(
    "text",
    [
        "  Leading spaces.   Trailing spaces.   ",
        "Line one.\r\nLine two, with “curly quotes” and émigrés.\r\n\r\nThird line.",
        "At least 12 people were killed and dozens wounded when a bus overturned near Lima.",
        "“We will rebuild,” Governor Tom Reyes said. He said 40 people had been detained.",
    ],
)
def test_spans_hold(text):
    art = article(text)
    assert_spans_hold(art, analyze(art))


def test_times_and_event_date():
    analysis = run("The earthquake struck on Wednesday, a year after the floods of March 2023.")
    values = {t.text: (t.value, t.granularity) for t in analysis.times}
    assert values["Wednesday"] == (date(2024, 11, 27), "day")
    assert analysis.event_date == date(2024, 11, 27)


def test_without_publication_relative_times_have_no_value():
    analysis = run("The earthquake struck on Wednesday.", published=None)
    (time,) = analysis.times
    assert time.value is None and time.granularity == "unknown"
    assert analysis.event_date is None


def test_analyze_many_keeps_order_and_matches_analyze():
    texts = ["Police arrested 14 people in Lagos.", "Floods hit Dhaka on Monday."]
    arts = [article(t) for t in texts]
    many = list(analyze_many(arts))
    assert [a.article_id for a in many] == [a.id for a in arts]
    assert many[1] == analyze(arts[1])
    assert len(many[0].embedding) == 384
    assert abs(sum(x * x for x in many[0].embedding) - 1) < 1e-3
    assert len(many[0].lemmas) == len(many[0].sentences)


# --- the span invariant, on random texts -----------------------------------------------------

NAMES = ["Maria Lopez", "General Samir Haddad", "the Syrian Democratic Forces (SDF)", "Aleppo",
         "Kioumars Pourhashemi, also known as Haji Hashem,", "the United Nations", "Lagos"]
SUBJECTS = ["Terrorists", "Rebel fighters", "Police", "At least 12 people", "Dozens of residents",
            "The regime", "Islamist militants", "Two fighter jets", "Thousands"]
VERBS = ["were killed", "were arrested", "attacked the town", "fled", "were wounded",
         "massacred 40 civilians", "were martyred"]
TAILS = ["", " on Monday", " in 2019", " overnight", ", including 5 children", " last week",
         " on 28 November 2024", " near the border"]
CUES = ["said", "told reporters", "claimed"]


@st.composite
def sentences(draw):
    subject = draw(st.sampled_from(SUBJECTS))
    clause = f"{subject} {draw(st.sampled_from(VERBS))}{draw(st.sampled_from(TAILS))}"
    name = draw(st.sampled_from(NAMES))
    cue = draw(st.sampled_from(CUES))
    form = draw(st.integers(0, 4))
    if form == 0:
        return clause + "."
    if form == 1:
        return f"{name} {cue} that {clause[0].lower() + clause[1:]}."
    if form == 2:
        return f"“{clause},” {name} {cue}."
    if form == 3:
        return f'According to {name}, {clause[0].lower() + clause[1:]}.'
    return f'"{clause}," {name} {cue}.'


texts = st.lists(sentences(), min_size=1, max_size=4).map(" ".join)
prefixes = st.sampled_from(["", " date 2024-11-29 TEHRAN - ", "date 2023-01-02 NEW YORK - ",
                            "\r\n  "])
gaps = st.sampled_from([" ", "\n\n", "\r\n", "  "])


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=prefixes, body=texts, gap=gaps)
def test_span_invariant_on_random_texts(prefix, body, gap):
    text = prefix + body.replace(". ", "." + gap)
    art = article_from_text(text, source="t", outlet="o")
    analysis = analyze(art)
    assert analysis.sentences
    assert_spans_hold(art, analysis)


# --- claims ----------------------------------------------------------------------------------


def test_coordinated_clauses_with_their_own_subjects_are_two_claims():
    analysis = run("Grimm pleaded not guilty on Monday, and his lawyer said the case was weak.")
    first, second = analysis.claims
    assert first.text == "Grimm pleaded not guilty on Monday"
    assert second.text.startswith("his lawyer said")
    assert (first.predicate, second.sentence) == ("plead", 0)


@pytest.mark.parametrize(
    ("text", "predicate", "negated", "modal"),
    [
        ("Prosecutors have not charged Smith with fraud.", "charge", True, None),
        ("The Senate may vote on the bill next week.", "vote", False, "may"),
        ("Officials said the bridge collapsed on Monday.", "collapse", False, None),
    ],
)
def test_a_claim_reads_its_predicate_negation_and_modality(text, predicate, negated, modal):
    (claim,) = run(text).claims
    assert (claim.predicate, claim.negated, claim.modal) == (predicate, negated, modal)


def test_a_claim_in_reported_speech_keeps_its_speaker():
    (claim,) = run("The army said the rebels had fled the town.").claims
    assert claim.speaker == "army" or claim.speaker == "The army"
    assert "rebel" in claim.agents


def test_every_sentence_has_a_claim_and_claims_do_not_overlap():
    analysis = run("The storm hit the coast; two roads were closed. Schools stayed open and "
                   "buses ran late. Officials said more rain was due.")
    assert {c.sentence for c in analysis.claims} == set(range(len(analysis.sentences)))
    ends = [(c.start, c.end) for c in analysis.claims]
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(ends))
