"""Time expressions, resolved against the article's publication date.

A weekday name means the most recent such day on or before publication
("Wednesday" in an article published on Friday 29 November 2024 is the 27th;
on a Wednesday it is that same day). Relative words ("yesterday", "this week",
"overnight") resolve against publication too. Without a publication date only
absolute dates ("28 November 2024") get a value.
"""

from __future__ import annotations

import re
import warnings
from datetime import date, datetime, timedelta

from counterpoint.model import Granularity, TimeExpression

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_RELATIVE_DAYS = {
    "today": 0,
    "tonight": 0,
    "yesterday": -1,
    "overnight": -1,
    "last night": -1,
    "tomorrow": 1,
}
_RELATIVE_WEEKS = {"this week": 0, "last week": -7, "earlier this week": 0, "next week": 7}
_YEAR = re.compile(r"^(?:in |since |by )?((?:19|20)\d\d)s?$")
_MONTH_YEAR = re.compile(
    r"^(january|february|march|april|may|june|july|august|september|october|november|december)"
    r"(?:\s+((?:19|20)\d\d))?$"
)
_WEEKDAY = re.compile(r"\b(?:(last|this|on)\s+)?(" + "|".join(WEEKDAYS) + r")\b", re.IGNORECASE)


def resolve(text: str, published: date | None) -> tuple[date | None, Granularity]:
    """The day (or first day of the period) ``text`` refers to, and its granularity."""
    key = " ".join(text.lower().replace("’", "'").split())
    key = re.sub(r"^(the|on|in|since|by|from|until)\s+", "", key)
    key = re.sub(r"^(early|mid|late)[- ]", "", key)  # early March: a part of March
    weekday = _WEEKDAY.search(key)
    if weekday and published is not None:
        target = WEEKDAYS.index(weekday.group(2).lower())
        back = (published.weekday() - target) % 7
        if weekday.group(1) and weekday.group(1).lower() == "last" and back == 0:
            back = 7
        return published - timedelta(days=back), "day"
    for word, shift in _RELATIVE_DAYS.items():
        if key.startswith(word) or key.endswith(word):
            return (published + timedelta(days=shift) if published else None), "day"
    for phrase, shift in _RELATIVE_WEEKS.items():
        if key == phrase:
            if published is None:
                return None, "week"
            monday = published - timedelta(days=published.weekday())
            return monday + timedelta(days=shift), "week"
    year = _YEAR.match(key)
    if year:
        return date(int(year.group(1)), 1, 1), "year"
    month = _MONTH_YEAR.match(key)
    if month:
        number = _month_number(month.group(1))
        if month.group(2):
            return date(int(month.group(2)), number, 1), "month"
        if published is not None:
            guess = date(published.year, number, 1)
            if guess > published:
                guess = date(published.year - 1, number, 1)
            return guess, "month"
        return None, "month"
    return _parse_absolute(text, published), "day"


def _month_number(name: str) -> int:
    return datetime.strptime(name[:3].title(), "%b").month


def _parse_absolute(text: str, published: date | None) -> date | None:
    if not re.search(r"\d", text):
        return None
    import dateparser

    settings: dict[str, object] = {"PREFER_DATES_FROM": "past", "REQUIRE_PARTS": ["day", "month"]}
    if published is None and not re.search(r"\b(?:1[89]|20)\d\d\b", text):
        return None  # "28 November" with no publication date: the year is unknown
    if published is not None:
        settings["RELATIVE_BASE"] = datetime(published.year, published.month, published.day)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = dateparser.parse(text, languages=["en"], settings=settings)
    return parsed.date() if parsed else None


_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_FULL_DATE = re.compile(
    rf"\b(?:(?P<m1>{_MONTHS})\s+(?P<d1>\d{{1,2}}),?\s+(?P<y1>(?:19|20)\d\d)"
    rf"|(?P<d2>\d{{1,2}})\s+(?P<m2>{_MONTHS}),?\s+(?P<y2>(?:19|20)\d\d)"
    r"|(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y3>(?:19|20)?\d\d))\b",
    re.IGNORECASE,
)
"""A whole day as datelines write it: "Nov 28, 2005", "28 November 2005", "11/28/05"."""


def full_dates(text: str) -> list[tuple[int, int, date]]:
    """Each whole day written in ``text``: (start, end, day). Slashed days are read month
    first unless the first part cannot be a month ("28/11/2005")."""
    days = []
    for match in _FULL_DATE.finditer(text):
        if match.group("y3"):
            first, second = int(match.group("a")), int(match.group("b"))
            month, day = (first, second) if first <= 12 else (second, first)
            year = int(match.group("y3"))
            year += 2000 if year < 100 else 0
        else:
            name = match.group("m1") or match.group("m2")
            month = _month_number(name.rstrip("."))
            day = int(match.group("d1") or match.group("d2"))
            year = int(match.group("y1") or match.group("y2"))
        try:
            days.append((match.start(), match.end(), date(year, month, day)))
        except ValueError:
            continue  # no such day ("13/13/2005")
    return days


def find_times(doc, *, offset: int, published: date | None) -> list[TimeExpression]:
    """Time expressions from the tagger's DATE/TIME entities, whole days as datelines write
    them (which the tagger often splits: "Monday, 28 November 2005") and weekday names."""
    found: dict[tuple[int, int], TimeExpression] = {}
    for ent in doc.ents:
        if ent.label_ not in ("DATE", "TIME"):
            continue
        text = ent.text
        if not _looks_temporal(text):
            continue
        value, granularity = resolve(text, published)
        start = offset + ent.start_char
        found[(start, start + len(text))] = TimeExpression(
            start=start,
            end=start + len(text),
            text=text,
            value=value,
            granularity=granularity if value or granularity != "day" else "unknown",
        )
    for first, last, day in full_dates(doc.text):
        start, end = offset + first, offset + last
        for key in [k for k in found if k[0] < end and start < k[1]]:
            del found[key]
        found[(start, end)] = TimeExpression(
            start=start, end=end, text=doc.text[first:last], value=day, granularity="day"
        )
    for match in _WEEKDAY.finditer(doc.text):
        start = offset + match.start(2)
        if any(s <= start < e for s, e in found):
            continue
        text = match.group(2)
        value, granularity = resolve(text, published)
        found[(start, start + len(text))] = TimeExpression(
            start=start,
            end=start + len(text),
            text=text,
            value=value,
            granularity=granularity if value else "unknown",
        )
    return [found[key] for key in sorted(found)]


_DURATION = re.compile(r"\b(years?|months?|weeks?|days?|hours?|decades?)\b", re.IGNORECASE)


def _looks_temporal(text: str) -> bool:
    """Drops durations ("years of fighting") that the tagger calls dates."""
    lowered = text.lower()
    if _DURATION.search(lowered) and not re.search(r"\b(ago|last|this|next|earlier)\b", lowered):
        return bool(re.search(r"\d{4}", lowered)) and "end to" not in lowered
    return True


def event_date(times: list[TimeExpression], lead_end: int, published: date | None) -> date | None:
    """The day the happening most likely took place: the first dated day in the lead."""
    for time in times:
        if time.start >= lead_end or time.granularity != "day" or time.value is None:
            continue
        if published is None or time.value <= published:
            return time.value
    return published
