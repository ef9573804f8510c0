"""The comparisons a reader needs from the two bundled seed articles."""

from __future__ import annotations

import pytest
from tests.conftest import outlet_of


def _entity(event, name_part):
    found = [e for e in event["entities"] if name_part in e["name"] or
             any(name_part in a for a in e["aliases"])]
    assert len(found) == 1, f"{name_part!r} is in {len(found)} entities"
    return found[0]


def test_both_articles_are_one_event(seed_document, seed_event):
    assert len(seed_document["events"]) == 1
    assert {a["outlet"] for a in seed_event["articles"]} == {"wire", "tehran-times"}
    assert seed_event["independent_sources"] == 2


@pytest.mark.parametrize(
    "name, variants",
    [
        ("Pour Hashemi", {"Kioumars Pourhashemi", "Kioumars Pour Hashemi", "Haji Hashem",
                          "Pour Hashemi"}),
        ("HTS", {"Hayat Tahrir al-Sham", "HTS"}),
        ("IRGC", {"IRGC", "Islamic Revolution Guards Corps", "Revolutionary Guards"}),
        ("Assad", {"Bashar al-Assad", "Assad"}),
    ],
)
def test_name_variants_merge_into_one_entity(seed_event, name, variants):
    entity = _entity(seed_event, name)
    assert variants <= {entity["name"], *entity["aliases"]}
    assert len({m["article"] for m in entity["mentions"]}) == 2


def test_acronyms_take_the_organisation_type(seed_event):
    assert _entity(seed_event, "HTS")["type"] == "ORG"


def test_death_toll_agreed_with_its_source(seed_event):
    toll = [f for f in seed_event["figures"] if f["what"] == "killed" and f["low"] == 130]
    assert len(toll) == 1
    toll = toll[0]
    assert toll["status"] == "agreed" and toll["high"] == 130
    by_outlet = {outlet_of(seed_event, r["article"]): r for r in toll["reports"]}
    assert set(by_outlet) == {"wire", "tehran-times"}
    assert by_outlet["wire"]["qualifier"] == "at least"
    assert by_outlet["wire"]["attributed_to"] == "Syrian Observatory for Human Rights"
    assert by_outlet["tehran-times"]["qualifier"] == "over"


@pytest.mark.parametrize("value", [65, 18, 49])
def test_breakdown_figures_agree_across_wordings(seed_event, value):
    group = [f for f in seed_event["figures"] if f["what"] == "killed" and f["low"] == value]
    assert len(group) == 1 and group[0]["status"] == "agreed"
    assert {r["attributed_to"] for r in group[0]["reports"]} == {
        "Syrian Observatory for Human Rights"}


def test_civilian_casualties_reported_by_one_outlet_only(seed_event):
    toll = next(f for f in seed_event["figures"] if f["what"] == "killed" and f["low"] == 130)
    includes = {outlet_of(seed_event, r["article"]): r["includes"] for r in toll["reports"]}
    assert "civilians" in includes["tehran-times"]
    assert not any("civilian" in g for g in includes["wire"])
    civilian_facts = [f for f in seed_event["facts"] if "civilian" in f["text"]]
    assert civilian_facts and all(f["status"] == "single_source" for f in civilian_facts)
    assert {outlet_of(seed_event, r["article"]) for f in civilian_facts for r in f["reports"]} == {
        "tehran-times"}


def test_agreed_facts_pair_the_two_outlets(seed_event):
    sohr = [f for f in seed_event["facts"]
            if "Syrian Observatory" in f["text"] and f["status"] == "agreed"]
    assert len(sohr) == 1
    assert {outlet_of(seed_event, r["article"]) for r in sohr[0]["reports"]} == {
        "wire", "tehran-times"}


@pytest.mark.parametrize(
    "outlet, term, voice, speaker",
    [
        ("wire", "Islamist militants", "own", None),
        ("wire", "allied rebel groups", "own", None),
        ("wire", "Takfiri terrorists", "quoted", "Tasnim News"),
        ("wire", "terrorists", "quoted", "Syrian army"),
        ("tehran-times", "Takfiri terrorists", "own", None),
        ("tehran-times", "martyred", "own", None),
        ("tehran-times", "terrorist group", "own", None),
        ("tehran-times", "large-scale terrorist operation", "quoted", "Syrian forces"),
    ],
)
def test_labels_and_their_voice(seed_event, outlet, term, voice, speaker):
    items = [f for f in seed_event["framing"]
             if f["term"] == term and outlet_of(seed_event, f["article"]) == outlet]
    assert items, f"{term!r} not found for {outlet}"
    assert any(f["voice"] == voice and f["speaker"] == speaker for f in items), items


def test_labels_link_to_the_actor_they_describe(seed_event):
    hts = _entity(seed_event, "HTS")
    terms = {f["term"] for f in seed_event["framing"] if f["entity"] == hts["id"]}
    assert {"Islamist militants", "terrorist group"} <= terms


def test_summary_is_neutral_and_cited(seed_event):
    ids = {a["id"] for a in seed_event["articles"]}
    assert seed_event["summary"]
    for sentence in seed_event["summary"]:
        assert sentence["sources"] and set(sentence["sources"]) <= ids
        own_words = sentence["text"].split('"')[0::2]  # outside quotation marks
        assert not any("martyr" in part or "Takfiri" in part for part in own_words), sentence


def test_every_span_slices_its_article(seed_document):
    for event in seed_document["events"]:
        texts = {a["id"]: a["text"] for a in event["articles"]}
        spans = [m for e in event["entities"] for m in e["mentions"]]
        spans += [r for f in event["facts"] for r in f["reports"]]
        spans += [r for f in event["figures"] for r in f["reports"]]
        assert spans
        for span in spans:
            assert texts[span["article"]][span["start"]:span["end"]] == span["text"]
        for item in event["framing"]:
            assert texts[item["article"]][item["start"]:item["end"]] == item["term"]


def test_article_text_is_stored_exactly(seed_event):
    from tests.conftest import EXAMPLES

    for article in seed_event["articles"]:
        path = EXAMPLES / f"{article['outlet']}.txt"
        assert article["text"] == path.read_text(encoding="utf-8")


def _fact_with(event, outlet_texts):
    """The fact whose reports include, for each outlet, a report containing its text."""
    for fact in event["facts"]:
        texts = {}
        for r in fact["reports"]:
            texts.setdefault(outlet_of(event, r["article"]), []).append(r["text"])
        if all(any(t in x for x in texts.get(o, [])) for o, t in outlet_texts.items()):
            return fact
    return None


@pytest.mark.parametrize(
    "outlet, text",
    [
        ("tehran-times", "farewell ceremony was held"),  # only Tehran Times tells of it
        ("wire", "Abbas Araghchi said"),  # only the wire quotes him
    ],
)
def test_what_one_outlet_alone_reports_is_single_source(seed_event, outlet, text):
    facts = [f for f in seed_event["facts"] if any(text in r["text"] for r in f["reports"])]
    assert facts, f"no fact reports {text!r}"
    for fact in facts:
        assert fact["status"] == "single_source", fact
        assert {outlet_of(seed_event, r["article"]) for r in fact["reports"]} == {outlet}


@pytest.mark.parametrize(
    "outlet, term",
    [
        ("tehran-times", "Takfiri terrorists"),
        ("tehran-times", "foreign-backed terrorists"),
        ("tehran-times", "terrorist group"),
        ("wire", "Islamist militants"),
        ("wire", "rebels"),
        ("wire", "Takfiri terrorists"),
    ],
)
def test_the_attackers_labels_are_tied_to_hts_in_both_outlets(seed_event, outlet, term):
    hts = _entity(seed_event, "HTS")
    items = [f for f in seed_event["framing"]
             if f["term"] == term and outlet_of(seed_event, f["article"]) == outlet]
    assert items and all(f["entity"] == hts["id"] for f in items), items


def test_the_general_is_the_one_martyred(seed_event):
    general = _entity(seed_event, "Pour Hashemi")
    [item] = [f for f in seed_event["framing"] if f["term"] == "martyred"]
    assert item["entity"] == general["id"]


def test_reported_speech_is_the_outlets_wording(seed_event):
    [item] = [f for f in seed_event["framing"] if f["term"] == "HTS terrorists"]
    assert (item["voice"], item["wording"]) == ("attributed", "outlet")
    assert item["speaker"] == "Syrian Observatory for Human Rights"
    quoted = [f for f in seed_event["framing"] if f["voice"] == "quoted"]
    assert quoted and all(f["wording"] == "speaker" for f in quoted)


def test_the_tolls_breakdown_difference_is_shown(seed_event):
    toll = next(f for f in seed_event["figures"] if f["what"] == "killed" and f["low"] == 130)
    assert toll["differences"] == ["civilians"]


def test_background_counts_are_marked_and_kept_out_of_the_summary(seed_event):
    assert all(f["scope"] in ("event", "background") for f in seed_event["figures"])
    toll = next(f for f in seed_event["figures"] if f["what"] == "killed" and f["low"] == 130)
    assert toll["scope"] == "event"
    # "Since 2011, Israel has conducted hundreds of airstrikes": history, and no number
    assert not any(r["text"].startswith("hundreds") for f in seed_event["figures"]
                   for r in f["reports"])


def test_the_title_is_a_neutral_headline_of_an_agreed_claim(seed_event):
    title = seed_event["title"]
    first_sentences = {a["text"].split(".")[0] for a in seed_event["articles"]}
    assert title and title not in first_sentences
    for word in ("Takfiri", "martyr", "terrorist", "Islamist militants"):
        assert word not in title
    assert "Aleppo" in title or "Hayat Tahrir al-Sham" in title


def test_each_summary_sentence_cites_only_outlets_that_report_it(seed_event):
    facts = [f for f in seed_event["facts"] if f["status"] == "agreed"]
    for sentence in seed_event["summary"]:
        if " report: " not in sentence["text"]:
            continue
        told = sentence["text"].split(" report: ", 1)[1].rstrip(".")
        backing = [f for f in facts if any(told[:40] in r["text"] or r["text"][:40] in told
                                           for r in f["reports"])]
        assert backing, sentence
        assert set(sentence["sources"]) == {r["article"] for r in backing[0]["reports"]}


def test_death_toll_range_best_and_attribution_chain(seed_event):
    toll = next(f for f in seed_event["figures"] if f["what"] == "killed" and f["low"] == 130)
    assert toll["high"] == 130 and toll["best"] == 130
    chains = {outlet_of(seed_event, r["article"]): r["chain"] for r in toll["reports"]}
    assert chains["wire"] == ["Syrian Observatory for Human Rights"]
    assert chains["tehran-times"] == []  # its own voice
    assert set(toll["sources"]) == {"Syrian Observatory for Human Rights", "tehran-times"}


def test_breakdowns_are_never_summed(seed_event):
    killed = [f for f in seed_event["figures"] if f["what"] == "killed"]
    assert sorted(f["low"] for f in killed) == [18, 49, 65, 130]
    assert all(f["low"] == f["high"] for f in killed)


def test_summary_neutralises_own_voice_labels(seed_event):
    own = " ".join(s["text"].split('"')[0] for s in seed_event["summary"])
    for term in ("Islamist militants", "Takfiri", "martyr", "terrorist group", "rebel groups"):
        assert term not in own, term
    assert any("Aleppo" in s["text"] and len(s["sources"]) == 2 for s in seed_event["summary"])


def test_omissions_are_what_the_other_outlet_alone_reports(seed_event):
    ids = {outlet_of(seed_event, a["id"]): a["id"] for a in seed_event["articles"]}
    omitted = {o["article"]: set(o["facts"]) for o in seed_event["omissions"]}
    only_tt = {f["id"] for f in seed_event["facts"] if f["status"] == "single_source"
               and outlet_of(seed_event, f["reports"][0]["article"]) == "tehran-times"}
    assert only_tt and omitted[ids["wire"]] >= only_tt


def test_an_act_named_by_a_nationality_is_that_countrys(seed_event):
    israel = _entity(seed_event, "Israel")
    [item] = [f for f in seed_event["framing"] if "Israeli aggression" in f["term"]]
    assert item["entity"] == israel["id"]
