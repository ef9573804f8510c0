"""The words that tell a reader someone else is speaking, thinking or taking a side.

News attributes far more than speech: what a campaign *wants*, what a poll
*shows*, whom a senator *endorses*, what an aide *fears*. Each verb below is a
cue with the frames in which it introduces someone's words, thoughts or stance:

- ``c``  a clause: ``said (that) the fire was contained``, ``wondered whether …``;
- ``x``  a to-clause: ``vowed to fight on``, ``declined to comment``;
- ``o``  a direct object: ``criticized the plan``, ``accused Cruz of lying``;
- ``q``  a quotation next to it (``"…," she said``) or a clause it interrupts
  (``the plan, he said, is dead``);
- ``r``  a predicate: ``called it a disgrace``, ``seemed confident``;
- prepositions: the object of that preposition is what is said or meant
  (``talked about taxes``, ``referred to the emails``, ``called for a ban``).

The lists hold verbs of saying, thinking, wanting, showing and judging, checked
against how often each verb and frame marks an attribution in annotated
political news (PolNeAR's training articles): most listed frames mark one at
least four times in ten outside reported speech, and words that mostly
describe rather than attribute ("known as", "cast a vote", "signed") are left
out. Verbs whose object is the hearer (``told reporters``) are in
:data:`HEARER`; their content is the clause that follows. :data:`ADJECTIVES`
and :data:`NOUNS` hold the other two kinds of cue (``is critical of``,
``Trump's claim that``).
"""

from __future__ import annotations

_TABLE = """
say         cxoq about on of to with
tell        cxoq
add         cq
write       cxoq about on
note        cxoq
report      cxoq on
argue       cxoq for
announce    coq on
claim       cxoq
state       coq
declare     coqr
explain     coq
acknowledge coq
admit       coq
insist      cq on
warn        cxoq of against about
suggest     cxoq
indicate    co
reveal      coq
confirm     coq
deny        co
predict     coq
conclude    cq
reply       cq
respond     cq to
answer      co
ask         cxoq about for
question    co about
wonder      cq about
remark      cq on
comment     cq on
mention     coxq
recall      coq
recount     o
repeat      oq
reiterate   co
echo        oq
emphasize   co
stress      co
assert      co
allege      coq
contend     c
maintain    c
concede     co
complain    c about
joke        c about
boast       c about of
brag        c about
lament      co
bemoan      o
quip        cq
testify     c about
caution     c against
assure      c of
remind      co of
inform      c of
promise     cxo
pledge      cx
vow         cx
threaten    x
urge        cxo
demand      co
order       cxo
request     ox
recommend   co
propose     cxo
advocate    ox for
tweet       cxoq on about
post        co
retweet     o
email       o
quote       oq
cite        co
describe    coq as
call        cxor for on
label       or
dub         or
brand       or
term        or
characterize o
portray     o as
liken       o to
compare     o to
refer       to
point       cxoq to out
talk        o about of
speak       about of against
discuss     co
debate      on
address     c
highlight   co
underscore  co
tout        o
praise      o for
hail        o as
applaud     o
welcome     o
thank       o for
congratulate o
credit      o for
criticize   co for
attack      o
slam        o
blast       o
denounce    co
condemn     o
decry       o
deride      o
mock        o
chide       o
rebuke      o
lambaste    o
lambast     o
assail      o
ridicule    o
accuse      oq of
blame       o for
charge      c with
dismiss     o as
reject      oq
dispute     co
disavow     o
repudiate   o
challenge   ox
defend      o
endorse     oq
support     ox
back        o
favor       o
oppose      coq
champion    o
embrace     o
promote     o
express     co
voice       o
share       co
issue       o
release     o
publish     o
invoke      o
reference   o
rail        against
lash        at out
hint        c at
allude      to
vouch       for
apologize   for
balk        at
push        x for against
press       for
campaign    for against
vote        x for against
think       cq about of
believe     coq in
know        c for
feel        cr about
fear        co
worry       c about
hope        cx for
wish        c
expect      cxoq
doubt       c
suspect     c
assume      c
imagine     c
guess       c
estimate    co
realize     c
recognize   co
understand  o
learn       c
remember    oq
consider    cxor
view        o as
regard      o as
see         o as
deem        or
find        c
show        cxo
demonstrate c
prove       c
agree       cx with on
decide      x
determine   c
want        cxo
seek        x
plan        x
intend      x
aim         x
like        x
love        x
prefer      cxo
refuse      x
decline     x
offer       cxo
continue    cq
identify    o as
list        o
read        cq
disclose    co
encourage   x
ignore      o
shout       cq
chant       oq
yell        cq
imply       c
signal      co
speculate   c about
interject   cq
envision    co
persuade    x
attribute   o to
outline     o
cheer       o
boo         o
"""


def _parse(table: str) -> dict[str, tuple[str, frozenset[str]]]:
    out = {}
    for line in table.strip().splitlines():
        lemma, *rest = line.split()
        frames = rest[0] if rest and set(rest[0]) <= set("cxoqr") else ""
        out[lemma] = (frames, frozenset(rest[1:] if frames else rest))
    return out


CUE_VERBS: dict[str, tuple[str, frozenset[str]]] = _parse(_TABLE)
"""lemma -> (frames, prepositions): see the module docstring."""

HEARER = {"tell", "ask", "remind", "inform", "assure", "warn", "urge", "order", "press",
          "caution", "advise", "persuade", "encourage", "email"}
"""Verbs whose direct object is the person spoken to, not what is said."""

RAISING = {"seem", "appear", "sound", "look"}
"""``X seems to …``: the content is X and what follows; ``to me`` names the source."""

LEMMA_FIXES = {"hoping": "hope", "hoped": "hope", "hopes": "hope", "retweeted": "retweet",
               "retweeting": "retweet", "lambasted": "lambaste", "lambasting": "lambaste"}
"""Word forms the tagger lemmatises oddly (``hoping`` -> ``hop``)."""

ADJECTIVES: dict[str, frozenset[str]] = {
    word: frozenset(preps.split())
    for word, preps in {
        "eager": "", "willing": "", "quick": "", "reluctant": "", "determined": "",
        "inclined": "", "keen": "", "ready": "", "hesitant": "",
        "critical": "of", "supportive": "of", "skeptical": "of about", "wary": "of",
        "sure": "of about", "certain": "of about", "confident": "of about in",
        "convinced": "of", "aware": "of", "unaware": "of",
        "concerned": "about by over", "worried": "about by over", "anxious": "about",
        "afraid": "of", "fearful": "of", "hopeful": "about", "optimistic": "about",
        "pessimistic": "about", "upbeat": "about", "bullish": "on", "bearish": "on",
        "proud": "of", "glad": "about", "happy": "about with", "pleased": "with by",
        "unhappy": "with about", "angry": "about at over with", "upset": "about at over with",
        "frustrated": "with by over", "disappointed": "in by with", "satisfied": "with",
        "excited": "about by", "enthusiastic": "about", "enamored": "of", "impressed": "by with",
        "surprised": "by at", "shocked": "by at", "adamant": "about",
        "opposed": "to", "open": "to", "receptive": "to", "hostile": "to",
        "clear": "about", "vocal": "about", "outspoken": "about", "dismissive": "of",
        "appreciative": "of", "grateful": "for", "thankful": "for", "sympathetic": "to",
    }.items()
}
"""``X is eager to …``, ``X is critical of …``: the adjective's clause or object is the
content, the subject of its verb the source. Prepositions as in :data:`CUE_VERBS`."""

NOUNS: dict[str, frozenset[str]] = {
    word: frozenset(preps.split())
    for word, preps in {
        "claim": "about", "assertion": "about", "allegation": "about against",
        "accusation": "against", "argument": "for against about", "suggestion": "",
        "statement": "about on", "remark": "about on", "comment": "about on",
        "criticism": "of", "attack": "on against", "condemnation": "of", "praise": "for",
        "support": "for", "endorsement": "of", "opposition": "to", "defense": "of",
        "concern": "about over", "fear": "about of", "worry": "about", "doubt": "about",
        "hope": "for", "belief": "in", "view": "on of", "opinion": "of on", "insistence": "on",
        "promise": "", "pledge": "", "vow": "", "warning": "about against", "threat": "",
        "call": "for", "demand": "for", "request": "for", "proposal": "for",
        "plea": "for", "denial": "of", "admission": "", "acknowledgment": "",
        "complaint": "about against", "confidence": "in", "skepticism": "about of",
        "announcement": "", "prediction": "", "assurance": "", "contention": "",
        "conclusion": "", "finding": "", "verdict": "on", "assessment": "of",
        "impression": "", "advice": "", "message": "", "goal": "", "question": "",
        "position": "on", "stance": "on", "point": "", "theory": "", "answer": "",
        "response": "", "explanation": "", "intention": "", "feeling": "", "sense": "",
    }.items()
}
"""``Trump's claim that …``, ``her criticism of …``, ``my impression is that …``: a noun
whose that-clause, to-clause or object (after the listed preposition), or what it is said to
be, is the content, and whose possessor is the source."""

STANCE = {
    "criticize", "attack", "slam", "blast", "denounce", "condemn", "decry", "deride", "mock",
    "chide", "rebuke", "lambaste", "lambast", "assail", "ridicule", "blame", "praise", "hail",
    "applaud", "welcome", "thank", "congratulate", "credit", "support", "endorse", "back",
    "favor", "oppose", "champion", "embrace", "promote", "defend", "reject", "dispute",
    "disavow", "repudiate", "challenge", "dismiss", "tout", "highlight", "underscore",
    "discuss", "address", "refer", "point", "talk", "speak", "debate", "rail", "lash",
    "allude", "vouch", "apologize", "balk", "push", "press", "campaign", "vote", "cheer", "boo",
    "ignore", "question", "want", "seek", "prefer", "like", "love", "offer", "propose",
    "advocate", "request", "demand", "order", "express", "voice", "share", "invoke",
    "reference", "mention", "cite", "list", "outline", "release", "issue", "publish",
    "identify", "compare", "liken", "attribute", "remember", "recall", "understand",
}
"""Verbs whose object names what the source is for, against or about, in the writer's words
(``criticized the plan``, ``talked about taxes``): their object-content is a ``stance``."""
