"""resolve: name keys, acronyms, and mentions across articles joined into entities."""

from __future__ import annotations

from dataclasses import replace

import pytest
from tests.conftest import outputs_under_hash_seeds

from counterpoint.lexicon import initials, is_acronym, name_key
from counterpoint.model import Analysis, Mention, Sentence, stable_id
from counterpoint.resolve import resolve

# --- name keys, initials, acronyms ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Kioumars Pourhashemi", "kioumarspourhashemi"),
        ("Kioumars Pour Hashemi", "kioumarspourhashemi"),
        ("Brigadier General Kioumars Pour Hashemi", "kioumarspourhashemi"),
        ("Foreign Minister Abbas Araghchi", "abbasaraghchi"),
        ("President Bashar al-Assad", "basharassad"),
        ("Bashar Assad", "basharassad"),
        ("Hayat Tahrir al-Sham", "hayattahrirsham"),
        ("Hayat Tahrir Al-Sham", "hayattahrirsham"),
        ("the Islamic Revolution Guards Corps", "islamicrevolutionguardscorps"),
        ("Islamic Revolution Guards Corps", "islamicrevolutionguardscorps"),
        ("  Abbas   Araghchi ", "abbasaraghchi"),
        ("Abbas\nAraghchi", "abbasaraghchi"),
        ("Assad's", "assad"),
        ("Assad’s", "assad"),
        ("O'Brien", "obrien"),
        ("O’Brien", "obrien"),
        ("Jean-Luc Picard", "jeanlucpicard"),
        ("Mr. Smith", "smith"),
        ("General", "general"),  # a title alone is kept, not emptied
        ("Zürich", "zurich"),  # accents taken off, not the letters that carry them
        ("Łukasz Øster-Straße", "lukaszosterstrasse"),
    ],
)
def test_name_key(text, key):
    assert name_key(text) == key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Pourhashemi", "Pour Hashemi"),
        ("Hayat Tahrir al-Sham", "HAYAT TAHRIR AL-SHAM"),
        ("Sheikh Hasina", "Hasina"),
        ("Erdoğan", "Erdogan"),
        ("São Paulo", "Sao Paulo"),
        ("François Hollande", "Francois Hollande"),
    ],
)
def test_name_key_equal_for_variants(a, b):
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Iran", "Iraq"), ("John Smith", "Jane Smith"), ("Austria", "Australia")],
)
def test_name_key_differs_for_different_names(a, b):
    assert name_key(a) != name_key(b)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Islamic Revolution Guards Corps", "irgc"),
        ("the Islamic Revolution Guards Corps", "irgc"),
        ("Hayat Tahrir al-Sham", "hts"),
        ("Syrian Democratic Forces", "sdf"),
        ("Organisation for the Prohibition of Chemical Weapons", "opcw"),
        ("Doctors Without Borders", "dwb"),
    ],
)
def test_initials(text, expected):
    assert initials(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("IRGC", True),
        ("HTS", True),
        ("UN", True),
        ("NGOs", True),
        ("SDF", True),
        ("Iran", False),
        ("Isis", False),
        ("I", False),
        ("A", False),
        ("ABCDEFGHI", False),  # too long for an acronym
        ("U.N.", False),
        ("H2O", False),
    ],
)
def test_is_acronym(text, expected):
    assert is_acronym(text) is expected


# --- resolve on hand-built analyses ----------------------------------------------------------


def analysis(article_id: str, text: str, names: list[tuple[str, str]],
             aliases: dict[str, str] | None = None) -> Analysis:
    """An Analysis of ``text`` whose mentions are ``names`` ((surface, type), in text order).

    ``aliases`` maps a surface to the surface it was introduced as an alias of.
    """
    spans: dict[str, tuple[int, int]] = {}
    mentions = []
    cursor = 0
    for surface, type_ in names:
        start = text.index(surface, cursor)
        spans.setdefault(surface, (start, start + len(surface)))
        cursor = start + len(surface)
        alias_of = spans[aliases[surface]] if aliases and surface in aliases else None
        mentions.append(Mention(start=start, end=cursor, text=surface, type=type_, sentence=0,
                                alias_of=alias_of))
    return Analysis(article_id=article_id, sentences=(), mentions=tuple(mentions), times=(),
                    figures=(), attributions=(), labels=(), lemmas=())


def entity_of(entities, surface):
    found = [e for e in entities if any(r.text == surface for r in e.mentions)]
    assert len(found) == 1, f"{surface!r} is in {len(found)} entities"
    return found[0]


def together(entities, a: str, b: str) -> bool:
    return entity_of(entities, a).id == entity_of(entities, b).id


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Abbas Araghchi", "Abbas Araqchi"),
        ("Kioumars Pourhashemi", "Kioumars Pour Hashemi"),
        ("Brigadier General Kioumars Pour Hashemi", "Kioumars Pourhashemi"),
        ("Bashar al-Assad", "Bashar Assad"),
        ("Recep Tayyip Erdoğan", "Recep Tayyip Erdogan"),
        ("Erdoğan", "Erdogan"),
    ],
)
def test_spelling_variants_of_a_person_merge(first, second):
    analyses = {
        "a": analysis("a", f"{first} arrived in the capital on Monday.", [(first, "PERSON")]),
        "b": analysis("b", f"Officials said {second} had left.", [(second, "PERSON")]),
    }
    entities = resolve("evt_x", analyses)
    assert len(entities) == 1
    assert {r.article for r in entities[0].mentions} == {"a", "b"}
    assert set(entities[0].aliases) | {entities[0].name} == {first, second}


def test_surname_spelling_variants_join_through_their_full_names():
    analyses = {
        "a": analysis("a", "Abbas Araghchi spoke. Araghchi then left.",
                      [("Abbas Araghchi", "PERSON"), ("Araghchi", "PERSON")]),
        "b": analysis("b", "Abbas Araqchi spoke. Araqchi then left.",
                      [("Abbas Araqchi", "PERSON"), ("Araqchi", "PERSON")]),
    }
    entities = resolve("evt_x", analyses)
    assert len(entities) == 1
    assert len(entities[0].mentions) == 4


def test_bare_surname_spelling_variants_merge():
    analyses = {
        "a": analysis("a", "Araghchi met envoys.", [("Araghchi", "PERSON")]),
        "b": analysis("b", "Araqchi met envoys.", [("Araqchi", "PERSON")]),
    }
    assert len(resolve("evt_x", analyses)) == 1


@pytest.mark.parametrize(
    ("acronym", "expansion", "type_"),
    [
        ("IRGC", "Islamic Revolution Guards Corps", "ORG"),
        ("IRGC", "the Islamic Revolution Guards Corps", "ORG"),
        ("HTS", "Hayat Tahrir al-Sham", "ORG"),
        ("SDF", "Syrian Democratic Forces", "ORG"),
    ],
)
def test_acronym_joins_its_expansion_from_another_article(acronym, expansion, type_):
    analyses = {
        "a": analysis("a", f"A statement from {expansion} followed.", [(expansion, type_)]),
        # the tagger often calls an acronym a PERSON
        "b": analysis("b", f"Fighters of the {acronym} advanced.", [(acronym, "PERSON")]),
    }
    entities = resolve("evt_x", analyses)
    assert len(entities) == 1
    entity = entities[0]
    assert entity.name == expansion
    assert entity.aliases == (acronym,)
    assert entity.type == type_


def test_acronym_with_two_possible_expansions_stays_apart():
    analyses = {
        "a": analysis("a", "Syrian Democratic Forces and Sudanese Defence Force met.",
                      [("Syrian Democratic Forces", "ORG"), ("Sudanese Defence Force", "ORG")]),
        "b": analysis("b", "The SDF said nothing.", [("SDF", "ORG")]),
    }
    entities = resolve("evt_x", analyses)
    assert len(entities) == 3
    assert entity_of(entities, "SDF").mentions[0].article == "b"


@pytest.mark.parametrize(
    ("full", "short"),
    [
        ("Bashar al-Assad", "Assad"),
        ("Kioumars Pour Hashemi", "Pour Hashemi"),
        ("Kioumars Pourhashemi", "Pourhashemi"),
        ("Abbas Araghchi", "Araghchi"),
        ("President Bashar al-Assad", "Assad"),
    ],
)
def test_surname_joins_the_single_full_name(full, short):
    analyses = {
        "a": analysis("a", f"{full} spoke on Sunday.", [(full, "PERSON")]),
        "b": analysis("b", f"On Monday {short} flew to Moscow.", [(short, "PERSON")]),
    }
    entities = resolve("evt_x", analyses)
    assert len(entities) == 1
    assert entities[0].name == full


def test_ambiguous_surname_does_not_merge():
    analyses = {
        "a": analysis("a", "John Smith and Jane Smith testified.",
                      [("John Smith", "PERSON"), ("Jane Smith", "PERSON")]),
        "b": analysis("b", "Smith declined to comment.", [("Smith", "PERSON")]),
    }
    entities = resolve("evt_x", analyses)
    assert len(entities) == 3
    assert not together(entities, "John Smith", "Jane Smith")
    assert not together(entities, "Smith", "John Smith")
    assert not together(entities, "Smith", "Jane Smith")


@pytest.mark.parametrize(
    ("a", "b", "type_"),
    [
        ("Iran", "Iraq", "GPE"),
        ("Slovenia", "Slovakia", "GPE"),
        ("Austria", "Australia", "GPE"),
        ("Gambia", "Zambia", "GPE"),
        ("John Smith", "Jane Smith", "PERSON"),
    ],
)
def test_similar_but_different_names_stay_apart(a, b, type_):
    analyses = {
        "a": analysis("a", f"Talks in {a} ended.", [(a, type_)]),
        "b": analysis("b", f"Talks in {b} ended.", [(b, type_)]),
    }
    entities = resolve("evt_x", analyses)
    assert len(entities) == 2
    assert {e.name for e in entities} == {a, b}


def test_same_spelling_of_different_types_does_not_fuzzy_merge():
    analyses = {
        "a": analysis("a", "Jordan Peterson spoke.", [("Jordan Peterson", "PERSON")]),
        "b": analysis("b", "Jordan Petersen Inc. fell.", [("Jordan Petersen", "ORG")]),
    }
    assert len(resolve("evt_x", analyses)) == 2


def test_alias_introduced_in_the_text_links():
    text = "Kioumars Pourhashemi, also known as Haji Hashem, was killed."
    analyses = {
        "a": analysis("a", text, [("Kioumars Pourhashemi", "PERSON"), ("Haji Hashem", "PERSON")],
                      aliases={"Haji Hashem": "Kioumars Pourhashemi"}),
    }
    entities = resolve("evt_x", analyses)
    assert len(entities) == 1
    assert {entities[0].name, *entities[0].aliases} == {"Kioumars Pourhashemi", "Haji Hashem"}


def test_entity_is_named_by_the_name_an_alias_was_introduced_for():
    text = "Kioumars Pourhashemi, also known as Haji Hashem, was killed."
    analyses = {
        "a": analysis("a", text, [("Kioumars Pourhashemi", "PERSON"), ("Haji Hashem", "PERSON")],
                      aliases={"Haji Hashem": "Kioumars Pourhashemi"}),
    }
    (entity,) = resolve("evt_x", analyses)
    assert entity.name == "Kioumars Pourhashemi"
    assert entity.aliases == ("Haji Hashem",)


def test_alias_from_one_article_gathers_bare_alias_in_another():
    analyses = {
        "a": analysis("a", "Kioumars Pourhashemi, also known as Haji Hashem, was killed.",
                      [("Kioumars Pourhashemi", "PERSON"), ("Haji Hashem", "PERSON")],
                      aliases={"Haji Hashem": "Kioumars Pourhashemi"}),
        "b": analysis("b", "Haji Hashem died in Aleppo.", [("Haji Hashem", "PERSON")]),
    }
    entities = resolve("evt_x", analyses)
    assert len(entities) == 1
    assert len(entities[0].mentions) == 3


def test_alias_of_is_article_local():
    """An alias_of span names a mention of the same article, never one elsewhere."""
    analyses = {
        "a": analysis("a", "Leila Nouri, known as Umm Ali, spoke.",
                      [("Leila Nouri", "PERSON"), ("Umm Ali", "PERSON")],
                      aliases={"Umm Ali": "Leila Nouri"}),
        # same offsets as "Leila Nouri" in article a, but a different person
        "b": analysis("b", "Karim Haddad, a trader, spoke.", [("Karim Haddad", "PERSON")]),
    }
    entities = resolve("evt_x", analyses)
    assert together(entities, "Leila Nouri", "Umm Ali")
    assert not together(entities, "Karim Haddad", "Leila Nouri")


def test_entities_carry_refs_ids_and_order():
    analyses = {
        "a": analysis("a", "Bashar al-Assad met Abbas Araghchi. Assad smiled.",
                      [("Bashar al-Assad", "PERSON"), ("Abbas Araghchi", "PERSON"),
                       ("Assad", "PERSON")]),
        "b": analysis("b", "Assad spoke in Damascus.", [("Assad", "PERSON"), ("Damascus", "GPE")]),
    }
    entities = resolve("evt_1", analyses)
    assert [e.name for e in entities] == ["Bashar al-Assad", "Abbas Araghchi", "Damascus"]
    assad = entities[0]
    assert assad.id == stable_id("ent", "evt_1", "basharassad")
    assert [(r.article, r.start, r.text) for r in assad.mentions] == [
        ("a", 0, "Bashar al-Assad"), ("a", 36, "Assad"), ("b", 0, "Assad")
    ]
    assert entities[2].type == "GPE"
    assert resolve("evt_1", analyses) == entities  # deterministic
    assert resolve("evt_2", analyses)[0].id != assad.id


def test_norp_mentions_and_empty_input_give_no_entities():
    analyses = {"a": analysis("a", "Syrian officials spoke.", [("Syrian", "NORP")])}
    assert resolve("evt_x", analyses) == ()
    assert resolve("evt_x", {}) == ()


# --- names across an event: surnames, titles, short names, misses --------------------------


def analysis_with_text(article_id: str, text: str, names: list[tuple[str, str]]) -> Analysis:
    """Like :func:`analysis`, with the text's lines as its sentences (so that resolve can
    look for names the tagger missed)."""
    base = analysis(article_id, text, names)
    sentences, start = [], 0
    for line in text.split("\n"):
        sentences.append(Sentence(start=start, end=start + len(line), text=line))
        start += len(line) + 1
    return replace(base, sentences=tuple(sentences))


def names_of(entity) -> set[str]:
    return {entity.name, *entity.aliases}


@pytest.mark.parametrize(
    ("full", "short"),
    [
        ("Barack Obama", "President Obama"),
        ("Barack Obama", "Mr. Obama"),
        ("Barack Obama", "Obama"),
        ("Barack Obama", "Obama's"),
        ("Lindsay Lohan", "Lindsay"),  # a given name alone
        ("Arcade Joseph Comeaux Jr.", "Comeaux"),
        ("Anthony LaCalamita III", "LaCalamita"),
        ("Frederick C. LaRue", "Fred LaRue"),
        ("Regina M. Benjamin", "Dr. Regina Benjamin"),
        ('Luis Gerardo "Jerry" Ortiz', "Jerry Ortiz"),
        ("Vincent 'The Chin' Gigante", "Vincent Gigante"),
        ("Heydar Alishvandi", "Heidar Alishvandi"),
    ],
)
def test_short_title_and_variant_forms_of_a_person_merge(full, short):
    analyses = {
        "a": analysis("a", f"{full} spoke on Sunday.", [(full, "PERSON")]),
        "b": analysis("b", f"On Monday {short} flew to Moscow.", [(short, "PERSON")]),
    }
    entities = resolve("evt_x", analyses)
    assert len(entities) == 1
    assert names_of(entities[0]) == {full, short}


def test_a_surname_stands_for_the_person_its_own_article_named():
    """Two people share a surname across the event; each article's "Thomas" is its own."""
    analyses = {
        "a": analysis("a", "Pierre Thomas was hurt. Thomas will miss the season.",
                      [("Pierre Thomas", "PERSON"), ("Thomas", "PERSON")]),
        "b": analysis("b", "David Thomas caught two passes. Thomas also scored.",
                      [("David Thomas", "PERSON"), ("Thomas", "PERSON")]),
        "c": analysis("c", "Pierre Thomas is out for the year.", [("Pierre Thomas", "PERSON")]),
    }
    entities = resolve("evt_x", analyses)
    assert len(entities) == 2
    pierre = entity_of(entities, "Pierre Thomas")
    assert {(r.article, r.text) for r in pierre.mentions} == {
        ("a", "Pierre Thomas"), ("a", "Thomas"), ("c", "Pierre Thomas")}
    assert {(r.article, r.text) for r in entity_of(entities, "David Thomas").mentions} == {
        ("b", "David Thomas"), ("b", "Thomas")}


def test_an_ambiguous_surname_goes_to_the_person_the_article_named_first():
    text = ("Vincent Gigante died on Monday. His brother Louis Gigante, a priest, spoke. "
            "Gigante had feigned madness for decades.")
    analyses = {"a": analysis("a", text, [("Vincent Gigante", "PERSON"),
                                          ("Louis Gigante", "PERSON"), ("Gigante", "PERSON")])}
    entities = resolve("evt_x", analyses)
    assert together(entities, "Vincent Gigante", "Gigante")
    assert not together(entities, "Louis Gigante", "Gigante")


def test_a_surname_alone_goes_to_the_person_the_event_names_far_more_often():
    people = [("Barack Obama", "PERSON")] * 6 + [("Michelle Obama", "PERSON")]
    text = " ".join(f"{name} spoke." for name, _ in people)
    analyses = {
        "a": analysis("a", text, people),
        "b": analysis("b", "Obama said no.", [("Obama", "PERSON")]),
    }
    assert together(resolve("evt_x", analyses), "Obama", "Barack Obama")
    # two against one is not enough to tell
    analyses["a"] = analysis("a", "Barack Obama met Barack Obama's wife Michelle Obama.",
                             [("Barack Obama", "PERSON"), ("Barack Obama", "PERSON"),
                              ("Michelle Obama", "PERSON")])
    entities = resolve("evt_x", analyses)
    assert not together(entities, "Obama", "Barack Obama")
    assert not together(entities, "Obama", "Michelle Obama")


def test_different_people_never_merge_through_a_chain_of_short_forms():
    analyses = {
        "a": analysis("a", "John Smith testified.", [("John Smith", "PERSON")]),
        "b": analysis("b", "Jane Smith testified.", [("Jane Smith", "PERSON")]),
        "c": analysis("c", "J. Smith and Smith were named.", [("J. Smith", "PERSON"),
                                                               ("Smith", "PERSON")]),
    }
    entities = resolve("evt_x", analyses)
    assert not together(entities, "John Smith", "Jane Smith")


def test_two_names_glued_by_a_hyphen_own_neither_part():
    analyses = {
        "a": analysis("a", "Barack Obama won. The Obama-Biden ticket celebrated.",
                      [("Barack Obama", "PERSON"), ("Obama-Biden", "PERSON")]),
        "b": analysis("b", "Obama thanked voters.", [("Obama", "PERSON")]),
    }
    entities = resolve("evt_x", analyses)
    assert together(entities, "Obama", "Barack Obama")
    assert not together(entities, "Obama-Biden", "Barack Obama")


@pytest.mark.parametrize(
    ("full", "short", "type_"),
    [
        ("New Orleans Saints", "Saints", "ORG"),
        ("Morningside Recovery", "Morningside", "ORG"),
        ("Microsoft Corp.", "Microsoft", "ORG"),
        ("Mediterranean Sea", "Mediterranean", "LOC"),
        ("Mount Cook", "Mt Cook", "LOC"),
        ("Aleppo Province", "Aleppo", "GPE"),
    ],
)
def test_short_names_of_organisations_and_places_merge(full, short, type_):
    analyses = {
        "a": analysis("a", f"News from {full} came.", [(full, type_)]),
        "b": analysis("b", f"Later {short} said more.", [(short, type_)]),
    }
    entities = resolve("evt_x", analyses)
    assert len(entities) == 1
    assert names_of(entities[0]) == {full, short}


@pytest.mark.parametrize(
    ("full", "full_type", "short", "short_type"),
    [
        ("New Orleans Saints", "ORG", "New Orleans", "GPE"),  # the city is not the team
        ("Boston Red Sox", "ORG", "Boston", "GPE"),
        ("United Nations Development Programme", "ORG", "United Nations", "ORG"),
        ("North Korea", "GPE", "Korea", "GPE"),
    ],
)
def test_a_place_or_parent_body_does_not_join_a_longer_name(full, full_type, short, short_type):
    analyses = {
        "a": analysis("a", f"News from {full} came.", [(full, full_type)]),
        "b": analysis("b", f"Later {short} said more.", [(short, short_type)]),
    }
    assert len(resolve("evt_x", analyses)) == 2


def test_a_surname_the_tagger_calls_norp_joins_its_person():
    analyses = {
        "a": analysis("a", "Wladimir Klitschko won. Klitschko smiled. Ukrainian fans sang.",
                      [("Wladimir Klitschko", "PERSON"), ("Klitschko", "NORP"),
                       ("Ukrainian", "NORP")]),
    }
    (entity,) = resolve("evt_x", analyses)
    assert names_of(entity) == {"Wladimir Klitschko", "Klitschko"}
    assert entity.type == "PERSON"


def test_names_the_tagger_missed_in_one_article_are_found_from_the_others():
    text_b = "The Colts won again.\nThe police said the Indianapolis Colts fans were calm."
    analyses = {
        "a": analysis_with_text("a", "The Indianapolis Colts beat their visitors on a cold "
                                     "evening, and then the Colts celebrated.",
                                [("Indianapolis Colts", "ORG"), ("Colts", "ORG")]),
        # the tagger found only "Indianapolis" in b
        "b": analysis_with_text("b", text_b, [("Indianapolis", "GPE")]),
    }
    entities = resolve("evt_x", analyses)
    colts = entity_of(entities, "Indianapolis Colts")
    found = [r for r in colts.mentions if r.article == "b"]
    assert [r.text for r in found] == ["Colts", "Indianapolis Colts"]
    assert all(text_b[r.start:r.end] == r.text for r in found)
    # "Indianapolis" inside the team's name is no longer a mention of its own
    assert not any(r.text == "Indianapolis" for e in entities for r in e.mentions)


def test_a_heading_run_together_by_the_tagger_is_cut_to_the_events_names():
    text_b = "Colts Beat Chiefs To Clinch Playoff Berth\nIt was close."
    analyses = {
        "a": analysis_with_text("a", "The Colts beat the Chiefs.",
                                [("Colts", "ORG"), ("Chiefs", "ORG")]),
        "b": analysis_with_text("b", text_b, [("Colts Beat Chiefs", "PERSON")]),
    }
    entities = resolve("evt_x", analyses)
    assert {(r.article, r.text) for r in entity_of(entities, "Colts").mentions} == {
        ("a", "Colts"), ("b", "Colts")}
    assert {(r.article, r.text) for r in entity_of(entities, "Chiefs").mentions} == {
        ("a", "Chiefs"), ("b", "Chiefs")}
    assert not any(r.text == "Colts Beat Chiefs" for e in entities for r in e.mentions)


def test_a_word_the_event_also_writes_in_lower_case_is_not_looked_for():
    analyses = {
        "a": analysis_with_text("a", "Police said the police van left.", [("Police", "ORG")]),
        "b": analysis_with_text("b", "Witnesses told Police nothing.", []),
    }
    (entity,) = resolve("evt_x", analyses)
    assert [(r.article, r.text) for r in entity.mentions] == [("a", "Police")]


def test_a_heading_that_gave_a_group_its_only_name_leaves_no_entity_behind():
    # the tagger calls a heading's "Americans Turn" a person; cut to "Americans", which the
    # event uses only as a nationality, nothing of the group is a name any more
    text = "Americans Turn Against the Plan\nMost Americans said so, and Americans agreed."
    analyses = {
        "a": analysis_with_text(
            "a", text, [("Americans Turn", "PERSON"), ("Americans", "NORP"), ("Americans", "NORP")]
        ),
        "b": analysis_with_text("b", "Americans voted early.", [("Americans", "NORP")]),
    }
    assert resolve("evt_x", analyses) == ()


# One event's names as a news story gave them: a caption's "Photo John Boehner", the
# "Speaker John Boehner" of two articles and a "Boehner" (sometimes tagged ORG) that could
# stand for either. Which full names the short one joins must not depend on the order of a set.
BOEHNER = """
from counterpoint.model import Analysis, Mention
from counterpoint.resolve import resolve

ARTICLES = {
    "a": [("John Boehner", "PERSON"), ("Paul Ryan", "PERSON"), ("Ryan", "PERSON"),
          ("Boehner", "ORG"), ("Boehner", "PERSON")],
    "b": [("John Boehner", "PERSON"), ("Photo John Boehner", "PERSON"), ("Boehner", "PERSON"),
          ("Paul Ryan", "PERSON"), ("Speaker John Boehner", "PERSON"), ("Boehner", "PERSON"),
          ("Boehner", "ORG")],
    "c": [("Speaker John Boehner", "PERSON"), ("Boehner", "ORG"), ("Paul Ryan", "PERSON"),
          ("Ryan", "PERSON")],
}
analyses = {}
for article_id, names in ARTICLES.items():
    mentions, start = [], 0
    for text, type_ in names:
        end = start + len(text)
        mentions.append(Mention(start=start, end=end, text=text, type=type_, sentence=0))
        start = end + 5
    analyses[article_id] = Analysis(article_id=article_id, sentences=(), mentions=tuple(mentions),
                                    times=(), figures=(), attributions=(), labels=(), lemmas=())
for entity in resolve("evt_x", analyses):
    print(entity.name, sorted((r.article, r.start) for r in entity.mentions))
"""


def test_entities_are_the_same_whatever_the_hash_seed():
    outputs = outputs_under_hash_seeds(BOEHNER)
    assert len(outputs) == 1
    assert "Paul Ryan" in outputs.pop()


# --- names that keep referents apart, and variants that join ------------------------------


def _entities_of(texts: dict[str, str]):
    from counterpoint.analyze import analyze_many
    from counterpoint.ingest import article_from_text

    articles = [article_from_text(t, source=k, outlet=k, id=k) for k, t in texts.items()]
    analyses = {a.article_id: a for a in analyze_many(articles)}
    return resolve("evt_names", analyses)


def _together(entities, a: str, b: str) -> bool:
    for entity in entities:
        names = {entity.name, *entity.aliases}
        if a in names or b in names:
            return a in names and b in names
    return False


@pytest.mark.parametrize(
    ("a", "b", "texts"),
    [
        ("White House", "House", {
            "a": "The White House said on Monday that it expected a vote.",
            "b": "The House voted on Tuesday to pass the measure."}),
        ("George H. W. Bush", "George W. Bush", {
            "a": "George H. W. Bush and George W. Bush attended the service."}),
        ("Justice Department", "State Department", {
            "a": "The Justice Department and the State Department disagreed on Friday."}),
    ],
)
def test_names_of_different_referents_stay_apart(a, b, texts):
    assert not _together(_entities_of(texts), a, b)


@pytest.mark.parametrize(
    ("a", "b", "texts"),
    [
        ("U.S.", "United States", {
            "a": "The U.S. said it would act.", "b": "The United States said it would act."}),
        ("Chuck Schumer", "Charles Schumer", {
            "a": "Chuck Schumer said the bill would pass.",
            "b": "Charles Schumer said the bill would pass."}),
        ("Justice Department", "Department of Justice", {
            "a": "The Justice Department declined to comment.",
            "b": "The Department of Justice declined to comment."}),
    ],
)
def test_variants_of_one_name_join(a, b, texts):
    assert _together(_entities_of(texts), a, b)
