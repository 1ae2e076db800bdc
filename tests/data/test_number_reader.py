"""The one number reader (giamngheo.data.ingest.numbers.read_number): the number box, the link and the upload
read a number by the same rules. Expected values worked out by hand from the rules in the module."""
from __future__ import annotations

import pytest

from giamngheo.data.ingest.numbers import Reading, fit, parse_number, read_number


@pytest.mark.parametrize("text, decimal, whole, lo, hi, value, how", [
    # a separator followed by exactly three digits could mean two things
    ("8,000", ",", True, 0, 8000, 8000, "thousands"),   # jobs on a Vietnamese page: 8.000, said (not 8,0 → 0)
    ("8.000", ",", True, 0, 8000, 8000, ""),            # the Vietnamese way: 8.000
    ("8.000", ".", True, 0, 8000, 8000, "thousands"),   # jobs on an English page: 8,000, said (not 8.0 → 0)
    ("8,000", ".", True, 0, 8000, 8000, ""),
    ("1,500", ",", False, 0, 3, 1.5, ""),               # points a year on a 0–3 scale, Vietnamese: 1,5
    ("1,500", ".", False, 0, 3, 1.5, "decimal"),        # the same on an English page: 1500 is out of range
    ("1.500", ",", False, 0, 1500, 1500, ""),           # both in range: the page's convention
    ("1.500", ".", False, 0, 1500, 1.5, ""),
    ("2,500", ",", False, 0, 1, 2.5, ""),               # neither in range: the page's convention (clamped later)
    ("0,500", ".", True, 0, 8000, 0.5, ""),             # a leading 0 is never a group
    # unambiguous texts, whatever the page
    ("0,8", ".", False, None, None, 0.8, ""), ("0.8", ",", False, None, None, 0.8, ""),
    ("1.234,5", ".", False, None, None, 1234.5, ""), ("1,234.5", ",", False, None, None, 1234.5, ""),
    ("1.234.567", ".", True, None, None, 1234567, ""), ("−5", ",", True, None, None, -5, ""),
    ("2,33 %", ",", False, None, None, 2.33, ""), ("12,25", ".", False, None, None, 12.25, ""),
    # not numbers
    ("1,2,3", ",", False, None, None, None, ""), ("1.23.4", ",", False, None, None, None, ""),
    ("abc", ",", False, None, None, None, ""), ("", ",", False, None, None, None, ""),
    ("1e309", ".", False, None, None, None, ""),
])
def test_read_number(text, decimal, whole, lo, hi, value, how):
    got = read_number(text, decimal, whole=whole, lo=lo, hi=hi)
    assert got == Reading(None if value is None else pytest.approx(value), how)


@pytest.mark.parametrize("value, lo, hi, step, expected", [
    (9000, 0, 8000, 100, (8000, "above")), (-5, 0, 8000, 100, (0, "below")), (3050, 0, 8000, 100, (3100, "rounded")),
    (3000, 0, 8000, 100, (3000, "")), (0.55, 0, 3, 0.01, (0.55, "")),
])
def test_fit_says_what_it_did(value, lo, hi, step, expected):
    got = fit(value, lo, hi, step)
    assert got[1] == expected[1] and got[0] == pytest.approx(expected[0])


def test_the_upload_reads_by_the_same_rules():
    """A cell's text is read by the same reader: a count (whole) 1,234 is 1234 whatever the file's mark; a
    rate 1,234 in a comma-decimal file is 1,234; a dash is zero; an Excel number is taken as it is."""
    assert parse_number("1,234", ",", whole=True) == 1234 == read_number("1,234", ",", whole=True).value
    assert parse_number("1,234", ",") == pytest.approx(1.234) == read_number("1,234", ",").value
    assert parse_number("1.234", ",") == 1234
    assert parse_number("–", ",") == 0.0 and parse_number(3.5) == 3.5 and parse_number("x") is None
