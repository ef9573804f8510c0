"""How grouping weighs an article against an event, and when it joins or opens one: one set
of knobs for every corpus (:class:`GroupSettings`)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["GroupSettings"]


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupSettings:
    """The knobs of grouping; one set for every corpus."""

    threshold: float = 0.24
    """An article joins the best event it fits that scores at least this; else it opens one."""
    cohesion_margin: float = 0.10
    """An article joins an event of two or more articles only if it scores at least the
    event's cohesion (the mean score between its members) less this: an event whose
    reports agree closely takes only an article that agrees nearly as closely."""
    cohesion_cap: float = 0.45
    """The most the cohesion rule asks: an article scoring this fits any event, however
    closely its reports agree (two rewrites of one wire story agree more closely than
    independent reports of one happening do)."""
    merge_threshold: float = 0.42
    """Two events an article could join merge when they score at least this together."""
    embedding_weight: float = 0.4
    terms_weight: float = 0.5
    name_weight: float = 2.0
    """A name counts like this many occurrences of a content word."""
    place_weight: float = 5.0
    """A country, state or city counts like this many instead: where something happened
    sets it apart from a like happening elsewhere that shares its actors and words."""
    max_days: int = 7
    """Events whose dates lie further than this from the article's are not candidates."""
    day_penalty: float = 0.1
    """Subtracted from the score per day of distance beyond the first: a report published
    days after an event's last report must resemble it more closely to join it (the next
    stage of a story, such as an order signed two days after it was announced, is a
    happening of its own)."""
    neighbours: int = 24
    """Nearest articles looked up to find candidate events (across the weeks searched)."""
    min_similarity: float = 0.3
    """Neighbours whose lead embedding is less similar than this propose no event."""
    refine_rounds: int = 3
    """Rounds of the second look at a placed batch (they stop once nothing moves)."""
    copy_jaccard: float = 0.7
    """Estimated shingle Jaccard at or above which an article is a copy of another."""
    max_terms: int = 400
    """Terms kept per event (the heaviest), so scoring cost stays bounded."""
    article_terms: int = 80
    """Terms of an article that count (the heaviest by TF-IDF)."""

    def day_cost(self, days: int) -> float:
        """What ``days`` between an article and an event take off its score."""
        return self.day_penalty * max(0, days - 1)
