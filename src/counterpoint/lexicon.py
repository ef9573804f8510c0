"""Word lists and name keys shared by the stages.

Stages never import each other; what two of them must agree on (which words are
titles, which are designations of actors, how two spellings of a name compare)
lives here.
"""

from __future__ import annotations

import re

# --- names ---------------------------------------------------------------------------

NAME_TYPES = ("PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT")
"""The tagger's types that name a specific person, organisation or place."""

# Titles and honorifics that precede a name, lower case, without a trailing dot.
TITLES = {
    "admiral",
    "ambassador",
    "ayatollah",
    "bishop",
    "brigadier",
    "capt",
    "captain",
    "cardinal",
    "ceo",
    "chairman",
    "chief",
    "coach",
    "col",
    "colonel",
    "commander",
    "defence",
    "defense",
    "detective",
    "director",
    "dr",
    "foreign",
    "gen",
    "general",
    "gov",
    "governor",
    "haji",
    "hajj",
    "imam",
    "inspector",
    "interior",
    "judge",
    "justice",
    "king",
    "lady",
    "lieutenant",
    "lord",
    "lt",
    "maj",
    "major",
    "mayor",
    "minister",
    "mr",
    "mrs",
    "ms",
    "officer",
    "pope",
    "president",
    "prime",
    "prince",
    "princess",
    "queen",
    "rabbi",
    "rep",
    "representative",
    "secretary",
    "sen",
    "senator",
    "sergeant",
    "sheikh",
    "sir",
    "spokesman",
    "spokesperson",
    "spokeswoman",
}
# Words that join a ministry's name to a title ("Interior Minister Maria Lopez").
MINISTRIES = {"interior", "foreign", "defense", "defence", "finance", "justice", "health"}
CONNECTORS = {"of", "for", "the", "and", "de", "du", "la", "le", "&"}
"""Words an acronym skips: Syrian Observatory *for* Human Rights -> SOHR."""


def name_key(text: str) -> str:
    """The key two spellings of a name share.

    ``Brigadier General Kioumars Pour Hashemi`` -> ``kioumarspourhashemi``: case, leading titles
    and articles, "al-" prefixes, possessives, spaces, hyphens and apostrophes removed.
    """
    words = name_words(text)
    while len(words) > 1 and words[0] in TITLES:
        words = words[1:]
    return "".join(words)


def name_words(text: str) -> list[str]:
    """Lower-case words of a name, without possessives, "al-" prefixes or a leading article."""
    text = text.lower().replace("’", "'")
    text = re.sub(r"'s\b", "", text)
    text = re.sub(r"\b(?:al|el|ul|ad|as|ash|an)-", "", text)
    words = re.findall(r"[a-z0-9]+", text)
    if words and words[0] in ("the", "a", "an"):
        words = words[1:]
    return words


def initials(text: str) -> str:
    """``Islamic Revolution Guards Corps`` -> irgc; ``Hayat Tahrir al-Sham`` -> hts."""
    return "".join(w[0] for w in name_words(text) if w not in CONNECTORS)


def is_acronym(text: str) -> bool:
    letters = text.rstrip("s")
    return 2 <= len(letters) <= 7 and letters.isupper() and letters.isalpha()


# --- designations of actors ----------------------------------------------------------

# Designations of armed or political actors, neutral and loaded alike: a reader
# compares them across outlets.
ACTOR_TERMS = {
    "terrorist",
    "militant",
    "jihadist",
    "jihadi",
    "extremist",
    "islamist",
    "takfiri",
    "insurgent",
    "rebel",
    "radical",
    "thug",
    "regime",
    "militia",
    "militiaman",
    "separatist",
    "guerrilla",
    "mercenary",
    "occupier",
    "invader",
    "puppet",
    "gunman",
    "fighter",
    "opposition",
    "resistance",
    "freedom fighter",
    "dictator",
    "junta",
    "henchman",
    "zionist",
    "crusader",
    "infidel",
    "apostate",
    "criminal",
    "gang",
    "bandit",
    "fanatic",
    "zealot",
    "collaborator",
    "traitor",
    "mob",
    "rioter",
    "looter",
    "hardliner",
    "warlord",
    "proxy",
}
EVENT_TERMS = {
    "terror",
    "terrorism",
    "massacre",
    "atrocity",
    "aggression",
    "occupation",
    "invasion",
    "insurgency",
    "slaughter",
    "genocide",
    "bloodbath",
    "carnage",
    "pogrom",
    "onslaught",
    "liberation",
    "uprising",
    "riot",
    "crackdown",
    "rampage",
}
ACTION_TERMS = {
    "martyr",
    "martyred",
    "slaughter",
    "butcher",
    "massacre",
    "murder",
    "assassinate",
    "liberate",
    "terrorize",
    "terrorise",
    "brutalize",
}

# The strongly loaded part of the lexicon: words that take a side.
LOADED = {
    "terrorist",
    "terror",
    "terrorism",
    "jihadist",
    "jihadi",
    "takfiri",
    "extremist",
    "thug",
    "regime",
    "martyr",
    "martyred",
    "massacre",
    "slaughter",
    "butcher",
    "occupier",
    "invader",
    "puppet",
    "mercenary",
    "zionist",
    "crusader",
    "infidel",
    "apostate",
    "aggression",
    "atrocity",
    "bloodbath",
    "carnage",
    "genocide",
    "pogrom",
    "fanatic",
    "henchman",
    "dictator",
    "bandit",
    "radical",
    "criminal",
    "traitor",
    "liberation",
    "liberate",
    "murder",
}


def is_loaded(term: str) -> bool:
    """Whether any word of ``term`` takes a side ("Takfiri terrorists", "martyred")."""
    for word in term.lower().replace("-", " ").split():
        forms = {word, word.rstrip("s"), word.removesuffix("es")}
        if forms & LOADED:
            return True
    return False


def is_designation(word: str) -> bool:
    """Whether ``word`` (any case, singular or plural) is in the label lexicon."""
    lower = word.lower()
    forms = {lower, lower.rstrip("s"), lower.removesuffix("es")}
    return bool(forms & (ACTOR_TERMS | EVENT_TERMS))
