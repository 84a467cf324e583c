"""doudi's resident ID module against python-stdnum's ``stdnum.cn.ric`` (DESIGN.md §4).

The two must agree on length, format, check character and birth date. Every place where they
differ is one branch of ``expected_code`` below, with a comment; every other stdnum rejection
is a rejection doudi must make too.

What ``stdnum.cn.ric.validate`` (python-stdnum 2.2) does, read from its source:

* ``compact``: maps Unicode look-alikes (full-width digits, dashes, spaces…) to ASCII, strips
  *surrounding* whitespace and upper-cases. It keeps spaces and hyphens inside the number and
  does not fold a full-width ``ｘ``; doudi's ``normalize`` removes and folds both.
* 18 characters only (``InvalidLength``): it has no 15-digit form at all.
* the first 17 must be ASCII digits (``InvalidFormat``); the last character is compared with
  the MOD 11-2 check character (``InvalidChecksum``), so a bad last character is a checksum
  error for stdnum and a format error for doudi.
* the birth date must exist in the calendar (``InvalidComponent``); stdnum does not check for
  future dates or dates before 1900.
* the birth place: the 6-digit code must be in stdnum's list *and in use in the birth year*
  (``InvalidComponent`` again). A known province with an unknown county raises ``KeyError``
  (a stdnum bug; e.g. 340524 or 110199): we count that as an area-code rejection as well.

Property tests draw one integer per example and decode it (``pick``): Hypothesis's per-example
overhead is then as small as it gets, and an integer still shrinks towards a simple input.
Both Hypothesis profiles (``tests/hypothesis_profiles.py``) are derandomised, so the examples
are the same on every run. Under ``HYPOTHESIS_PROFILE=ci`` (``.ci/run``) the examples in total
are 102,000 (the sum of the numbers below); the default ``dev`` profile runs at most 50 per
test.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

from doudi.engine import idnumber as idnumber_module
from doudi.engine.idnumber import (
    PROVINCE_CODES,
    InvalidIDNumber,
    ResidentID,
    check_char,
    is_valid,
    known_area_codes,
    make,
    mask,
    normalize,
    parse,
    upgrade_15_to_18,
)
from tests.hypothesis_profiles import examples

TODAY = dt.date.today()
EARLIEST = dt.date(1900, 1, 1)
KNOWN = sorted(known_area_codes())
KNOWN_2023 = {
    line.split(",", 1)[0]
    for line in (Path(idnumber_module.__file__).parent / "data" / "cn_areas.csv")
    .read_text(encoding="utf-8")
    .splitlines()[1:]
}
PROVINCES = sorted(PROVINCE_CODES)
CHARS = "0123456789X"

# -------------------------------------------------------------------------------------------
# The mapping between the two libraries
# -------------------------------------------------------------------------------------------

ACCEPT, AREA, REJECT = "accept", "area", "reject"


def stdnum_birth(number: str) -> dt.date | None:
    """stdnum's reading of the birth date, None if there is none."""
    try:
        return ric.get_birth_date(number)
    except (InvalidComponent, ValueError):  # ValueError: not digits where the date goes
        return None


def stdnum_verdict(number: str) -> tuple[str, type | None]:
    """stdnum's answer: ACCEPT, AREA (it rejects the birth place only) or REJECT."""
    try:
        ric.validate(number)
    except (InvalidLength, InvalidFormat, InvalidChecksum) as exc:
        return REJECT, type(exc)
    except InvalidComponent:
        # Raised both for an impossible birth date and for the birth place; tell them apart.
        return (REJECT if stdnum_birth(number) is None else AREA), InvalidComponent
    except KeyError as exc:
        # stdnum bug: province known, county unknown -> info["county"] fails in
        # get_birth_place, which runs only after the date passed. An area-code rejection.
        assert exc.args == ("county",) and stdnum_birth(number) is not None
        return AREA, KeyError
    return ACCEPT, None


def _date_code(birth: dt.date | None) -> str | None:
    if birth is None:
        return "birth_date"
    if birth > TODAY:
        return "birth_future"
    if birth < EARLIEST:
        return "birth_too_early"
    return None


def expected_code(
    compact: str, verdict: str, exc: type | None
) -> tuple[str | None, dt.date | None]:
    """The InvalidIDNumber code doudi must raise for ``compact`` (stdnum-compacted, not 15
    digits), or None if doudi must accept it, given stdnum's verdict on it; and stdnum's
    birth date when it matters."""
    if verdict == REJECT:
        if exc is InvalidLength:
            return ("empty" if compact == "" else "format"), None
        if exc is InvalidFormat:
            return "format", None
        if exc is InvalidComponent:  # impossible date
            return "birth_date", None
        assert exc is InvalidChecksum
        # Difference: a last character other than 0-9/X is a checksum error for stdnum and a
        # format error for doudi. doudi checks the date before the check character (POLICY
        # §10 order), so it may give a date code instead. Both reject either way.
        if compact[-1] not in CHARS:
            return "format", None
        return _date_code(stdnum_birth(compact)) or "check_digit", None
    # stdnum accepted it, or rejected the birth place only.
    # Difference: doudi rejects births in the future or before 1900 (GB 11643, POLICY §10);
    # stdnum checks neither.
    birth = stdnum_birth(compact)
    code = _date_code(birth)
    if code:
        return code, birth
    if compact[:2] not in PROVINCE_CODES:
        # doudi rejects an unknown province; stdnum knows no province doudi does not.
        assert verdict == AREA
        return "province", birth
    # Difference (DESIGN.md §4): stdnum's area-code rejection (an unknown code, or a code not
    # in use in the birth year) is an acceptance in doudi, with a warning if the code is not
    # in today's list (checked in assert_accepted).
    return None, birth


def assert_accepted(result: ResidentID, number18: str, birth: dt.date) -> None:
    assert result.number == number18
    assert result.birth_date == birth  # as stdnum reads it
    assert result.sex == ("M" if int(number18[16]) % 2 else "F")
    # The warning is about today's list only, whatever stdnum thought of the code.
    expected = () if number18[:6] in known_area_codes() else ("area_code_unknown",)
    assert result.warnings == expected


def assert_agrees(raw: str) -> str:
    """doudi's parse(raw) is what stdnum's verdict on raw maps to; returns the verdict."""
    compact = ric.compact(raw)
    if len(compact) == 15 and compact.isascii() and compact.isdigit():
        return assert_agrees_15(compact)
    verdict, exc = stdnum_verdict(compact)
    code, birth = expected_code(compact, verdict, exc)
    if code is None:
        result = parse(raw, today=TODAY)
        assert_accepted(result, compact, birth)
        assert not result.upgraded_from_15
    else:
        with pytest.raises(InvalidIDNumber) as info:
            parse(raw, today=TODAY)
        assert info.value.code == code, raw
    return verdict


def stdnum_upgrade(number15: str) -> str:
    """The 18-character number, built with stdnum's own check-digit function."""
    body = number15[:6] + "19" + number15[6:]
    return body + ric.calc_check_digit(body + "?")  # it ignores the last character


def assert_agrees_15(number15: str) -> str:
    # stdnum has no 15-digit form (InvalidLength): upgrade with stdnum's check-digit function,
    # validate that with stdnum and map the verdict as for 18 characters.
    full = stdnum_upgrade(number15)
    verdict, exc = stdnum_verdict(full)
    code, birth = expected_code(full, verdict, exc)
    assert code != "check_digit"
    if code is None:
        result = parse(number15, today=TODAY)
        assert_accepted(result, full, birth)
        assert result.upgraded_from_15
        assert upgrade_15_to_18(number15) == full
    else:
        with pytest.raises(InvalidIDNumber) as info:
            parse(number15, today=TODAY)
        assert info.value.code == code, number15
    return verdict


# -------------------------------------------------------------------------------------------
# Decoding one integer into an input
# -------------------------------------------------------------------------------------------


def ints(*radices: int) -> st.SearchStrategy[int]:
    return st.integers(0, math.prod(radices) - 1)


def pick(n: int, *radices: int) -> list[int]:
    """Split n into mixed-radix digits, one per radix."""
    out = []
    for radix in radices:
        n, digit = divmod(n, radix)
        out.append(digit)
    return out


NDAYS = TODAY.toordinal() - EARLIEST.toordinal() + 1
AREAS = 2 * len(PROVINCES) * 10_000  # half known codes, half random codes in a real province
VALID = (AREAS, NDAYS, 1000)


def area(k: int) -> str:
    kind, k = k % 2, k // 2
    if kind == 0:
        return KNOWN[k % len(KNOWN)]
    return f"{PROVINCES[k // 10_000]}{k % 10_000:04d}"


def day(k: int) -> dt.date:
    return dt.date.fromordinal(EARLIEST.toordinal() + k)


def valid_id(a: int, d: int, s: int) -> str:
    return make(area(a), day(d), s)


# (a) valid 18-character numbers ------------------------------------------------------------


@settings(max_examples=examples(15_000))
@given(ints(len(KNOWN), NDAYS, 1000))
def test_valid_known_area(n):
    a, d, s = pick(n, len(KNOWN), NDAYS, 1000)
    number = make(KNOWN[a], day(d), s)
    assert is_valid(number)
    assert assert_agrees(number) in (ACCEPT, AREA)


@settings(max_examples=examples(12_000))
@given(ints(len(PROVINCES), 10_000, NDAYS, 1000))
def test_valid_random_area(n):
    p, c, d, s = pick(n, len(PROVINCES), 10_000, NDAYS, 1000)
    number = make(f"{PROVINCES[p]}{c:04d}", day(d), s)
    assert is_valid(number)
    assert assert_agrees(number) in (ACCEPT, AREA)


# (b) invalid inputs -------------------------------------------------------------------------


@settings(max_examples=examples(12_000))
@given(ints(*VALID, 18, 10))
def test_one_character_changed(n):
    a, d, s, pos, shift = pick(n, *VALID, 18, 10)
    number = valid_id(a, d, s)
    alphabet = CHARS if pos == 17 else CHARS[:10]
    new = alphabet[(alphabet.index(number[pos]) + shift % (len(alphabet) - 1) + 1) % len(alphabet)]
    mutated = number[:pos] + new + number[pos + 1 :]
    # MOD 11-2 catches every single substitution.
    assert not is_valid(mutated)
    assert assert_agrees(mutated) == REJECT


@settings(max_examples=examples(8_000))
@given(ints(*VALID, 17, 17))
def test_two_characters_swapped(n):
    a, d, s, i, step = pick(n, *VALID, 17, 17)
    chars = list(valid_id(a, d, s))
    j = min(i + step + 1, 17)
    chars[i], chars[j] = chars[j], chars[i]
    # Not always invalid (equal characters, or positions 10 apart have equal weights mod 11):
    # the mapping decides.
    assert_agrees("".join(chars))


@settings(max_examples=examples(8_000))
@given(ints(*VALID, 10))
def test_wrong_check_character(n):
    a, d, s, shift = pick(n, *VALID, 10)
    number = valid_id(a, d, s)
    mutated = number[:17] + CHARS[(CHARS.index(number[17]) + shift + 1) % 11]
    assert stdnum_verdict(mutated) == (REJECT, InvalidChecksum)
    with pytest.raises(InvalidIDNumber) as info:
        parse(mutated, today=TODAY)
    assert info.value.code == "check_digit"
    assert_agrees(mutated)


@settings(max_examples=examples(8_000))
@given(ints(AREAS, 10_000, 100, 100, 1000))
def test_impossible_dates(n):
    # Mostly impossible dates (year 0000, month 00 or 13+, day 00 or 32+) with a correct
    # check character, so that only the date is wrong; real dates here are mostly out of range.
    a, year, month, dd, s = pick(n, AREAS, 10_000, 100, 100, 1000)
    body = f"{area(a)}{year:04d}{month:02d}{dd:02d}{s:03d}"
    assert_agrees(body + check_char(body))


@settings(max_examples=examples(8_000))
@given(ints(AREAS, 131, 12, 4, 1000))
def test_month_ends(n):
    # Days 28-31 of every month of 1900-2030: Feb 29 in non-leap years (1900 included),
    # Feb 30/31, 31 April/June/September/November, and births after today.
    a, year, month, dd, s = pick(n, AREAS, 131, 12, 4, 1000)
    body = f"{area(a)}{1900 + year}{month + 1:02d}{28 + dd}{s:03d}"
    assert_agrees(body + check_char(body))


@settings(max_examples=examples(5_000))
@given(ints(*VALID, 26, 10**8))
def test_wrong_lengths(n):
    # Truncated or extended with digits; a 15-digit result is a legacy number and is compared
    # through the upgrade.
    a, d, s, length, filler = pick(n, *VALID, 26, 10**8)
    assert_agrees((valid_id(a, d, s) + f"{filler:08d}")[:length])


LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWYZabcdefghijklmnopqrstuvwyz"  # no X/x: see lowercase test


@settings(max_examples=examples(5_000))
@given(ints(*VALID, 18, len(LETTERS)))
def test_letters(n):
    a, d, s, pos, letter = pick(n, *VALID, 18, len(LETTERS))
    number = valid_id(a, d, s)
    assert assert_agrees(number[:pos] + LETTERS[letter] + number[pos + 1 :]) == REJECT


@settings(max_examples=examples(4_000))
@given(ints(AREAS, NDAYS, 1000))
def test_lowercase_x(n):
    # Both stdnum (compact upper-cases) and doudi accept a lower-case x. About one sequence
    # code in 11 gives the check character X: take the first from `start` on.
    a, d, start = pick(n, AREAS, NDAYS, 1000)
    seqs = [*range(start, 1000), *range(start)]
    number = next(x for s in seqs if (x := make(area(a), day(d), s))[17] == "X")
    lower = number[:17] + "x"
    assert ric.compact(lower) == number
    assert assert_agrees(lower) in (ACCEPT, AREA)
    assert parse(lower).number == number


# (c) 15-digit legacy numbers ----------------------------------------------------------------


@settings(max_examples=examples(8_000))
@given(ints(AREAS, 100, 14, 33, 1000))
def test_15_digit_structured(n):
    # Month 00-13 and day 00-32: mostly real dates, some impossible ones.
    a, yy, mm, dd, s = pick(n, AREAS, 100, 14, 33, 1000)
    assert_agrees_15(f"{area(a)}{yy:02d}{mm:02d}{dd:02d}{s:03d}")


@settings(max_examples=examples(4_000))
@given(st.integers(0, 10**15 - 1))
def test_15_digit_random(n):
    assert_agrees(f"{n:015d}")


# Dates outside 1900..today, and input noise ---------------------------------------------------

EARLY_DAYS = EARLIEST.toordinal() - dt.date(1000, 1, 1).toordinal()
LATE_DAYS = dt.date(9999, 12, 31).toordinal() - TODAY.toordinal()


@settings(max_examples=examples(3_000))
@given(ints(AREAS, EARLY_DAYS + LATE_DAYS, 1000))
def test_birth_outside_1900_to_today(n):
    a, d, s = pick(n, AREAS, EARLY_DAYS + LATE_DAYS, 1000)
    if d < EARLY_DAYS:
        birth, code = dt.date.fromordinal(EARLIEST.toordinal() - 1 - d), "birth_too_early"
    else:
        birth, code = dt.date.fromordinal(TODAY.toordinal() + 1 + d - EARLY_DAYS), "birth_future"
    number = make(area(a), birth, s)
    # Difference: stdnum never rejects a date for being early or in the future (only, maybe,
    # the birth place, if the code was not in use that year); doudi always does.
    assert stdnum_verdict(number)[0] in (ACCEPT, AREA)
    with pytest.raises(InvalidIDNumber) as info:
        parse(number, today=TODAY)
    assert info.value.code == code
    assert_agrees(number)


NOISE = [" ", "-", "\u3000", "\u2014", "\u00a0", ".", "_", "\u200b", "\t"]
FULLWIDTH = {c: chr(ord(c) + 0xFEE0) for c in "0123456789Xx"}


@settings(max_examples=examples(2_000))
@given(
    ints(*VALID),
    st.lists(st.tuples(st.integers(0, 18), st.sampled_from(NOISE)), max_size=4),
    st.integers(0, 2**18 - 1),
    st.booleans(),
)
def test_noise_is_normalised(n, inserts, widen, lower):
    number = valid_id(*pick(n, *VALID))
    chars = [FULLWIDTH[c] if widen >> i & 1 else c for i, c in enumerate(number)]
    if lower:
        chars[17] = chars[17].lower()
    for pos, sep in sorted(inserts, reverse=True):
        chars.insert(pos, sep)
    raw = "".join(chars)
    assert normalize(raw) == number
    assert parse(raw, today=TODAY) == parse(number, today=TODAY)
    # Difference: doudi drops separators inside the number and folds "ｘ"; stdnum's compact
    # does neither, so stdnum is asked about the normalised text.
    assert_agrees(normalize(raw))


# -------------------------------------------------------------------------------------------
# Exact values
# -------------------------------------------------------------------------------------------


def test_standard_example_1949():
    result = parse("11010519491231002X")
    assert result == ResidentID("11010519491231002X", dt.date(1949, 12, 31), "F", False, ())
    assert result.area_code == "110105"
    assert ric.is_valid("11010519491231002X")


def test_standard_example_1880():
    # The check character is right, but doudi refuses births before 1900 in 18-digit form.
    assert check_char("44052418800101001") == "4"
    with pytest.raises(InvalidIDNumber) as info:
        parse("440524188001010014")
    assert info.value.code == "birth_too_early"
    # stdnum rejects it too, for the birth place: 440524 (潮阳县) was in use 1983-1993 only.
    assert stdnum_verdict("440524188001010014") == (AREA, InvalidComponent)
    # The 15-digit form of an 1880 birth can only be upgraded with a manual century.
    result = parse("440524800101001", century=18)
    assert result.number == "440524188001010014"
    assert result.birth_date == dt.date(1880, 1, 1)
    assert result.sex == "M"
    assert result.upgraded_from_15
    assert result.warnings == ()  # 440524 (潮阳县) existed 1983-1993: a retired code is known
    assert upgrade_15_to_18("440524800101001", century=18) == "440524188001010014"
    assert upgrade_15_to_18("440524800101001") == "440524198001010013"


def test_example_1980_anhui():
    result = parse("34052419800101001X")
    assert result.birth_date == dt.date(1980, 1, 1)
    assert result.sex == "M"
    # 340524 is not in the 2023 list; stdnum fails on it with KeyError (its bug, see top).
    assert result.warnings == ("area_code_unknown",)
    assert stdnum_verdict("34052419800101001X") == (AREA, KeyError)


def test_upgrade_15():
    assert upgrade_15_to_18("110105491231002") == "11010519491231002X"
    assert stdnum_upgrade("110105491231002") == "11010519491231002X"
    result = parse("110105491231002")
    assert result.upgraded_from_15
    assert result.number == "11010519491231002X"
    with pytest.raises(InvalidIDNumber) as info:
        upgrade_15_to_18("11010519491231002X")
    assert info.value.code == "format"
    # stdnum itself has no 15-digit form.
    assert stdnum_verdict("110105491231002") == (REJECT, InvalidLength)


def test_normalisation():
    raw = "１１０１０５ １９４９１２３１００２ｘ"
    assert normalize(raw) == "11010519491231002X"
    assert parse(raw).number == "11010519491231002X"
    assert normalize(" 110105-19491231-002x ") == "11010519491231002X"
    assert normalize("1101\u200b0519491231002X") == "11010519491231002X"
    assert normalize(None) == ""
    assert is_valid("11010519491231002x")
    # Difference, exactly: stdnum keeps inner separators (length 19/20) and does not fold a
    # full-width x, so it rejects what doudi normalises.
    assert stdnum_verdict("110105 19491231002X") == (REJECT, InvalidLength)
    assert stdnum_verdict("110105-19491231-002X") == (REJECT, InvalidLength)
    assert stdnum_verdict("11010519491231002ｘ") == (REJECT, InvalidChecksum)
    # Both accept lower-case x and surrounding whitespace.
    assert stdnum_verdict(" 11010519491231002x\n") == (ACCEPT, None)


def test_non_ascii_digits_are_rejected():
    # Arabic-Indic digits are Unicode digits that NFKC does not fold; they must not pass.
    arabic = "11" + "".join(chr(0x0660 + int(c)) for c in "0105194912310021")
    with pytest.raises(InvalidIDNumber) as info:
        parse(arabic)
    assert info.value.code == "format"
    with pytest.raises(ValueError):
        check_char("1101051949123100" + chr(0x0662))


def test_birth_date_and_sex():
    man = parse(make("420106", dt.date(2000, 2, 29), 123))
    woman = parse(make("420106", dt.date(2000, 2, 29), 124))
    assert (man.birth_date, man.sex) == (dt.date(2000, 2, 29), "M")
    assert (woman.birth_date, woman.sex) == (dt.date(2000, 2, 29), "F")


def test_current_code_not_yet_in_use_at_birth():
    # DESIGN.md §4's example: Wuchang's code, 1970 birth; 420106 dates from 1983.
    number = "420106197001011232"
    assert check_char(number[:17]) == number[17]
    assert stdnum_verdict(number) == (AREA, InvalidComponent)
    result = parse(number)
    assert result.warnings == ()  # in today's list: no warning at all
    assert result.birth_date == dt.date(1970, 1, 1)
    assert result.sex == "M"


def test_a_retired_wuhan_area_code_is_valid_and_only_a_never_existing_one_is_flagged():
    """An ID keeps the area code of its first issue (issue 14): 420122 was 武昌县 until 1995,
    420121 汉阳县 until 1992, 420120 Wuhan's 市区 until 1983; 420199 never existed."""
    for retired in ("420122", "420121", "420120", "420123"):
        assert retired not in KNOWN_2023, retired
        result = parse(make(retired, dt.date(1965, 3, 1), 17))
        assert result.warnings == (), retired
    never = parse(make("420199", dt.date(1965, 3, 1), 17))
    assert never.warnings == ("area_code_unknown",)


def test_unknown_area_code_warns():
    number = make("429999", dt.date(1985, 6, 15), 42)
    result = parse(number)
    assert result.warnings == ("area_code_unknown",)
    assert result.sex == "F"
    assert stdnum_verdict(number)[0] == AREA


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "empty"),
        ("  - ", "empty"),
        ("12345", "format"),
        ("11010519491231002A", "format"),
        ("000000198001010013", "province"),
        ("110105194902300020", "birth_date"),
        ("110105190001010016", "check_digit"),
        ("110105189912310015", "birth_too_early"),
        ("11010520300101001X", "birth_future"),
        ("11010519491231002Y", "format"),
        ("110105194912310021", "check_digit"),
    ],
)
def test_error_codes(raw, code):
    with pytest.raises(InvalidIDNumber) as info:
        parse(raw, today=dt.date(2025, 1, 1))
    assert info.value.code == code
    assert info.value.message == InvalidIDNumber.MESSAGES[code]


def test_error_code_inputs_are_otherwise_well_formed():
    # Each input in test_error_codes is wrong in exactly one way.
    for raw in (
        "000000198001010013",
        "110105194902300020",
        "110105189912310015",
        "11010520300101001X",
    ):
        assert check_char(raw[:17]) == raw[17]
    assert check_char("11010519000101001") != "6"


def test_mask():
    assert mask("11010519491231002X") == "1101**********002X"
    assert parse("11010519491231002X").masked == "1101**********002X"
    assert mask("1234") == "****"


@pytest.mark.parametrize("birth", [dt.date(1900, 1, 1), dt.date(1949, 10, 1), TODAY])
@pytest.mark.parametrize("seq", [0, 1, 998, 999])
def test_make_round_trips(birth, seq):
    number = make("420106", birth, seq)
    result = parse(number)
    assert result.number == number
    assert result.birth_date == birth
    assert result.sex == ("M" if seq % 2 else "F")
    assert ric.is_valid(number) == (birth.year >= 1983)  # stdnum: 420106 dates from 1983
    with pytest.raises(ValueError):
        make("420106", birth, 1000)
