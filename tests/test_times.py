"""analyze.times.resolve: time expressions become days, weeks, months and years."""

from __future__ import annotations

from datetime import date

import pytest

from counterpoint.analyze.times import full_dates, resolve

FRIDAY = date(2024, 11, 29)  # Friday 29 November 2024
MONDAY = date(2024, 12, 2)
SUNDAY = date(2024, 12, 1)


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("Wednesday", FRIDAY, date(2024, 11, 27)),
        ("on Wednesday", FRIDAY, date(2024, 11, 27)),
        ("Thursday", FRIDAY, date(2024, 11, 28)),
        ("Saturday", FRIDAY, date(2024, 11, 23)),  # never after publication
        ("Sunday", MONDAY, date(2024, 12, 1)),
        ("Thursday night", FRIDAY, date(2024, 11, 28)),
        ("early hours of Thursday", FRIDAY, date(2024, 11, 28)),
        ("WEDNESDAY", FRIDAY, date(2024, 11, 27)),
    ],
)
def test_weekday_is_the_most_recent_such_day_before_publication(text, published, expected):
    assert resolve(text, published) == (expected, "day")


@pytest.mark.parametrize(
    ("text", "published"),
    [("Friday", FRIDAY), ("on Friday", FRIDAY), ("Monday", MONDAY), ("Sunday", SUNDAY)],
)
def test_weekday_of_publication_is_the_same_day(text, published):
    assert resolve(text, published) == (published, "day")


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("last Friday", FRIDAY, date(2024, 11, 22)),
        ("last Sunday", SUNDAY, date(2024, 11, 24)),
        ("last Wednesday", FRIDAY, date(2024, 11, 27)),
    ],
)
def test_last_weekday_on_that_weekday_is_a_week_earlier(text, published, expected):
    assert resolve(text, published) == (expected, "day")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yesterday", date(2024, 11, 28)),
        ("Yesterday", date(2024, 11, 28)),
        ("overnight", date(2024, 11, 28)),
        ("today", FRIDAY),
        ("tonight", FRIDAY),
        ("tomorrow", date(2024, 11, 30)),
    ],
)
def test_relative_days(text, expected):
    assert resolve(text, FRIDAY) == (expected, "day")


def test_last_night_is_the_day_before():
    assert resolve("last night", FRIDAY) == (date(2024, 11, 28), "day")


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("this week", FRIDAY, date(2024, 11, 25)),
        ("earlier this week", FRIDAY, date(2024, 11, 25)),
        ("this week", MONDAY, MONDAY),
        ("this week", SUNDAY, date(2024, 11, 25)),
        ("last week", FRIDAY, date(2024, 11, 18)),
        ("next week", FRIDAY, date(2024, 12, 2)),
    ],
)
def test_weeks_start_on_monday(text, published, expected):
    assert resolve(text, published) == (expected, "week")


@pytest.mark.parametrize("published", [FRIDAY, None])
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("March 2020", (date(2020, 3, 1), "month")),
        ("December 2023", (date(2023, 12, 1), "month")),
        ("in March 2020", (date(2020, 3, 1), "month")),
        ("2019", (date(2019, 1, 1), "year")),
        ("in 2019", (date(2019, 1, 1), "year")),
        ("since 2011", (date(2011, 1, 1), "year")),
    ],
)
def test_months_and_years_with_a_year_need_no_publication(text, published, expected):
    assert resolve(text, published) == expected


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("March", FRIDAY, date(2024, 3, 1)),  # earlier this year
        ("November", FRIDAY, date(2024, 11, 1)),  # the month of publication
        ("December", FRIDAY, date(2023, 12, 1)),  # not yet come: last year's
        ("in December", FRIDAY, date(2023, 12, 1)),
        ("February", date(2024, 1, 31), date(2023, 2, 1)),
        ("January", date(2024, 1, 1), date(2024, 1, 1)),
    ],
)
def test_month_without_year_is_the_latest_one_not_after_publication(text, published, expected):
    assert resolve(text, published) == (expected, "month")


@pytest.mark.parametrize("published", [FRIDAY, date(2025, 6, 1), None])
@pytest.mark.parametrize(
    "text", ["28 November 2024", "November 28, 2024", "on 28 November 2024", "Nov. 28, 2024"]
)
def test_absolute_dates(text, published):
    assert resolve(text, published) == (date(2024, 11, 28), "day")


@pytest.mark.parametrize(
    ("published", "expected"),
    [(FRIDAY, date(2024, 11, 28)), (date(2024, 1, 5), date(2023, 11, 28))],
)
def test_day_and_month_without_year_lies_before_publication(published, expected):
    assert resolve("28 November", published) == (expected, "day")


@pytest.mark.parametrize(
    ("text", "granularity"),
    [
        ("Wednesday", "day"),
        ("last Friday", "day"),
        ("yesterday", "day"),
        ("overnight", "day"),
        ("today", "day"),
        ("this week", "week"),
        ("last week", "week"),
        ("March", "month"),
    ],
)
def test_relative_expressions_without_publication_have_no_value(text, granularity):
    assert resolve(text, None) == (None, granularity)


def test_day_and_month_without_year_or_publication_has_no_value():
    assert resolve("28 November", None) == (None, "day")


@pytest.mark.parametrize("text", ["the ceasefire", "several hours", "soon"])
def test_words_without_a_date_have_no_value(text):
    value, _ = resolve(text, FRIDAY)
    assert value is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("early March", date(2024, 3, 1)), ("mid-October", date(2024, 10, 1)),
     ("late December", date(2023, 12, 1)), ("in early 2019", date(2019, 1, 1))],
)
def test_a_part_of_a_month_or_year_is_dated_by_its_start(text, expected):
    assert resolve(text, FRIDAY)[0] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Last Updated: Monday, 28 November 2005, 02:24 GMT", date(2005, 11, 28)),
        ("Nov 28, 2005", date(2005, 11, 28)),
        ("Sept. 3, 2010", date(2010, 9, 3)),
        ("Posted 11/27/2005 7:21 AM", date(2005, 11, 27)),
        ("11/28/05", date(2005, 11, 28)),
        ("28/11/2005", date(2005, 11, 28)),  # the first part cannot be a month
    ],
)
def test_a_dateline_names_a_whole_day(text, expected):
    assert [day for _, _, day in full_dates(text)] == [expected]


@pytest.mark.parametrize("text", ["the 9/11 attacks", "open 24/7", "on 13/13/2005", "in 2005"])
def test_what_is_no_whole_day(text):
    assert full_dates(text) == []
