"""Group articles into events: the articles that report the same real-world happening.

Grouping is incremental: each new article joins the event it fits best or opens one, and an
event keeps its id as it grows (:class:`Grouper`); :func:`group` groups a batch at once. By
module:

- :mod:`~counterpoint.group.settings`: the knobs (:class:`GroupSettings`);
- :mod:`~counterpoint.group.features`: what grouping reads of an article, its profile (lead
  embedding, terms of its lemmas and names, a MinHash signature), and the term statistics
  its TF-IDF weights come from;
- :mod:`~counterpoint.group.index`: the nearest articles by lead embedding, week by week of
  publication, where an article's candidate events come from;
- :mod:`~counterpoint.group.cluster`: events as grouping holds them, and the placing of
  articles into them: scoring, joining, copies, merges and the second look at a batch.
"""

from __future__ import annotations

from counterpoint.group.cluster import (
    EventState,
    Grouper,
    group,
    independent_sources,
    placing_order,
)
from counterpoint.group.features import (
    SIGNATURE_SCHEME,
    Profile,
    TermStats,
    minhash,
    profile,
    profile_scheme,
    specific_names,
    title_of,
    word_hashes,
)
from counterpoint.group.index import nearest
from counterpoint.group.settings import GroupSettings

__all__ = [
    "SIGNATURE_SCHEME",
    "EventState",
    "GroupSettings",
    "Grouper",
    "Profile",
    "TermStats",
    "group",
    "independent_sources",
    "minhash",
    "nearest",
    "placing_order",
    "profile",
    "profile_scheme",
    "specific_names",
    "title_of",
    "word_hashes",
]
