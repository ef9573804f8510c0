"""Word lists and name keys shared by the stages.

Stages never import each other; what two of them must agree on (which words are
titles, which are designations of actors, how two spellings of a name compare)
lives here.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

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
    "deputy",
    "detective",
    "director",
    "doctor",
    "dr",
    "father",
    "foreign",
    "former",
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
    "miss",
    "mr",
    "mrs",
    "ms",
    "officer",
    "pope",
    "president",
    "prime",
    "prince",
    "princess",
    "prof",
    "professor",
    "queen",
    "rabbi",
    "rep",
    "representative",
    "rev",
    "reverend",
    "secretary",
    "sen",
    "senator",
    "sergeant",
    "sgt",
    "sheikh",
    "sheriff",
    "sir",
    "spokesman",
    "spokesperson",
    "spokeswoman",
}
# Words that join a ministry's name to a title ("Interior Minister Maria Lopez").
MINISTRIES = {"interior", "foreign", "defense", "defence", "finance", "justice", "health"}
CONNECTORS = {"of", "for", "the", "and", "de", "du", "la", "le", "&"}
"""Words an acronym skips: Syrian Observatory *for* Human Rights -> SOHR."""
SUFFIXES = {"jr", "sr", "inc", "corp", "co", "ltd", "llc", "plc"}
"""Words that may end a name without changing whom it names: Jr., Sr., Corp., Inc."""
# A nickname inside a name: Vincent "The Chin" Gigante, Luis Gerardo (Jerry) Ortiz.
_NICKNAME = re.compile(
    r"""\s*(?:"[^"]+"|“[^”]+”|\([^)]+\)|(?<=\s)['‘][^'’]+['’](?=\s))\s*"""
)


@lru_cache(maxsize=200_000)  # the same names recur across a stream of articles
def name_key(text: str) -> str:
    """The key two spellings of a name share.

    ``Brigadier General Kioumars Pour Hashemi`` -> ``kioumarspourhashemi``: case, leading titles
    and articles, "al-" prefixes, possessives, nicknames in quotes or brackets, trailing
    "Jr." or "Corp.", spaces, hyphens and apostrophes removed.
    """
    return "".join(core_words(text))


@lru_cache(maxsize=100_000)
def core_words(text: str) -> tuple[str, ...]:
    """The words of a name that say whom it names: :func:`name_words` without leading
    titles, a nickname inside it or a trailing suffix ("Jr.", "Corp.")."""
    stripped = _NICKNAME.sub(" ", text)
    if len(stripped.split()) >= 2:
        text = stripped
    words = name_words(text)
    while len(words) > 1 and words[0] in TITLES and words[1] not in INSTITUTIONS:
        words = words[1:]  # "Justice Department" keeps its first word
    if len(words) >= 3 and words[0] in INSTITUTIONS and words[1] == "of":
        words = (*words[2:], words[0])  # Department of Justice = Justice Department
    while len(words) > 1 and words[-1] in SUFFIXES:
        words = words[:-1]
    return words


INSTITUTIONS = frozenset(
    ["house", "department", "court", "committee", "council", "party", "office", "ministry", "agency", "bureau", "commission", "board", "administration", "government", "senate", "assembly"]
)
"""Generic heads of institutions' names: "House" alone is not the "White House", nor is
"Department" any one department."""


def nickname_key(text: str) -> str | None:
    """The key of the nickname inside a person's name, with the surname:
    ``Luis Gerardo "Jerry" Ortiz`` -> ``jerryortiz``; None when it holds no nickname."""
    found = _NICKNAME.search(text)
    words = core_words(text)
    if found is None or len(words) < 2:
        return None
    inner = name_key(found.group().strip().strip("\"“”()'‘’"))
    return inner + words[-1] if inner else None


PLACE_WORDS = {
    "sea", "ocean", "river", "lake", "island", "islands", "isle", "mountain", "mountains",
    "bay", "gulf", "city", "county", "province", "region", "valley", "desert", "peninsula",
    "strait", "canal", "park", "national", "district", "airport", "port", "harbour", "harbor",
}  # fmt: skip
"""Generic words that may follow a place's name without changing the place: Mediterranean Sea."""
# Abbreviations a place's name is written with or without: Mt Cook, Mount Cook.
_ABBREVIATIONS = {"mt": "mount", "ft": "fort", "pt": "point"}


@lru_cache(maxsize=100_000)
def name_words(text: str) -> tuple[str, ...]:
    """Lower-case words of a name, without possessives, "al-" prefixes or a leading article;
    letters with accents count as the letters without (``Erdoğan`` -> ``erdogan``)."""
    text = text.lower().replace("’", "'")
    if not text.isascii():
        text = fold_accents(text)
    text = _PREFIXES.sub("", _POSSESSIVE.sub("", text))
    words = tuple(_ABBREVIATIONS.get(w, w) for w in _WORD.findall(text))
    if words and words[0] in ("the", "a", "an"):
        words = words[1:]
    return words


_LATIN = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i"}
)
"""Latin letters that are not a letter and an accent (what NFKD leaves whole)."""


def fold_accents(text: str) -> str:
    """``text`` with accents taken off its letters (``São Paulo`` -> ``Sao Paulo``), so
    that outlets that spell a name with and without them agree."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LATIN))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_POSSESSIVE = re.compile(r"'s\b")
_PREFIXES = re.compile(r"\b(?:al|el|ul|ad|as|ash|an)-")
_WORD = re.compile(r"[a-z0-9]+")


_LONG_WORD = re.compile(r"[^\W\d_][\w'’-]{3,}")


@lru_cache(maxsize=4096)  # asked of a line again for every name on it
def is_heading(line: str) -> bool:
    """A line in title case ("Lindsay Lohan Checks Into Rehab Again"), where capitals
    do not mark names."""
    words = _LONG_WORD.findall(line)
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.7 * len(words)


# Words that open a sentence in capitals without being part of a name.
_OPENERS = {
    "the", "a", "an", "in", "on", "at", "by", "for", "from", "to", "with", "and", "but", "as",
    "if", "when", "after", "before", "while", "his", "her", "their", "its", "our", "my", "this",
    "that", "these", "those", "then", "now", "so", "yet", "of",
}  # fmt: skip


def in_longer_name(text: str, start: int, end: int) -> bool:
    """Whether a capitalised word touches ``text[start:end]`` on its line, so that it is
    part of a longer name ("Hunter" before "Thompson"); a title or a sentence's opening
    word before it does not count ("Mr. Thompson", "The Colts")."""
    before = re.search(r"([A-Z][\w'’.-]*)[ \t]+$", text[max(0, start - 40) : start])
    if before is not None and before.group(1).lower().rstrip(".") not in TITLES | _OPENERS:
        return True
    after = re.match(r"[ \t]+([A-Z][\w'’-]*)", text[end : end + 40])
    return after is not None and after.group(1).lower() not in _OPENERS


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
