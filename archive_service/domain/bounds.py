"""The limits every input is held to where it enters, stated once: the dates the service works
with and clean text. The API's field types and the page forms both check through here."""
import unicodedata
from datetime import date

from .errors import InvalidInput

MIN_DATE, MAX_DATE = date(2000, 1, 1), date(2099, 12, 31)
DATE_RANGE_TEXT = f"{MIN_DATE.isoformat()} 到 {MAX_DATE.isoformat()}"
MULTILINE_ALLOWED = frozenset("\t\n\r")  # what a textarea may send besides printable text


def date_in_range(day: date) -> bool:
    return MIN_DATE <= day <= MAX_DATE


def check_date(day: date, field="date") -> date:
    """`day`, or 422 `request.date_out_of_range` when it lies outside the service's years."""
    if not date_in_range(day):
        raise InvalidInput("request.date_out_of_range", f"日期必须在 {DATE_RANGE_TEXT} 之间:{day.isoformat()}",
                           errors={field: f"必须在 {DATE_RANGE_TEXT} 之间"})
    return day


def bad_character(text: str, *, multiline=False):
    """The first character a stored text may not hold (NUL and other control characters, lone
    surrogates; tab, CR and LF only where `multiline`), or None when the text is clean."""
    if text.isprintable():  # no control, format, surrogate or separator character: the common case, in C
        return None
    for ch in text:
        if unicodedata.category(ch) in ("Cc", "Cs") and not (multiline and ch in MULTILINE_ALLOWED):
            return ch
    return None


def text_problem(value, *, max_length, multiline=False):
    """Why `value` cannot be taken as text of at most `max_length` characters, or None."""
    if not isinstance(value, str):
        return "必须是文本"
    if bad_character(value, multiline=multiline) is not None:
        return "不能包含控制字符" if multiline else "不能包含控制字符(含制表符、换行)"
    if len(value) > max_length:
        return f"不能超过 {max_length} 个字符"
    return None


def clean_text(value, field, *, max_length, multiline=False):
    """`value` stripped, or 422 `request.invalid_text` naming the field and what is wrong."""
    problem = text_problem(value, max_length=max_length, multiline=multiline)
    if problem:
        raise InvalidInput("request.invalid_text", f"{field}:{problem}", errors={field: problem})
    return value.strip()
