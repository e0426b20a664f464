"""Request schemas with zh-CN messages: every field type the API uses, told in Chinese.

The boundary field types every route uses for its input (pattern 4 of the brief):
- `Text(max_length, multiline=False)`: text without NUL or other control characters (tab, CR and
  LF only when `multiline`), at most `max_length` characters, stripped;
- `Date()`: YYYY-MM-DD within the service's range (domain/bounds.py: 2000-01-01..2099-12-31);
- `Int(minimum=, maximum=)` for JSON bodies (a JSON number, never a string), `QueryInt(...)` for
  query strings and form fields (parsed from the text), `Id()` / `QueryId()` for row ids;
- `PageArgs`: `?limit=` (1..PAGE_MAX, parsed from the query string) and the opaque `?cursor=`.
"""
from marshmallow import RAISE, Schema, ValidationError, fields, validate

from ...domain.bounds import DATE_RANGE_TEXT, MAX_DATE, MIN_DATE, date_in_range, text_problem
from ...paging import MAX_ID, PAGE_MAX


class _ZhMessages:
    default_error_messages = {
        "required": "必填字段",
        "null": "不能为空",
        "validator_failed": "取值无效",
    }


class Str(_ZhMessages, fields.String):
    default_error_messages = {"invalid": "必须是文本", "invalid_utf8": "不是有效的 UTF-8 文本"}


# What a clean text may hold, for the OpenAPI document (the check itself is domain/bounds.py).
SINGLE_LINE_PATTERN = r"^[^\x00-\x1f\x7f-\x9f\ud800-\udfff]*$"
MULTILINE_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]*$"


class Text(Str):
    """Clean, bounded text (see the module docstring); stripped unless `strip=False` (passwords)."""

    def __init__(self, max_length=200, *, multiline=False, strip=True, **kwargs):
        self.max_length, self.multiline, self.strip = max_length, multiline, strip
        metadata = {"pattern": MULTILINE_PATTERN if multiline else SINGLE_LINE_PATTERN,
                    **kwargs.pop("metadata", {})}
        validators = [validate.Length(max=max_length), *_as_list(kwargs.pop("validate", None))]
        super().__init__(metadata=metadata, validate=validators, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        problem = text_problem(text, max_length=self.max_length, multiline=self.multiline)
        if problem:
            raise ValidationError(problem)
        return text.strip() if self.strip else text


def _as_list(validators):
    if validators is None:
        return []
    return list(validators) if isinstance(validators, (list, tuple)) else [validators]


class Int(_ZhMessages, fields.Integer):
    """A whole number; strict (a JSON number) unless `strict=False`; `minimum`/`maximum` are
    checked and documented."""

    default_error_messages = {"invalid": "必须是整数", "too_large": "数值过大"}

    def __init__(self, *, minimum=None, maximum=None, strict=True, **kwargs):
        validators = _as_list(kwargs.pop("validate", None))
        if minimum is not None or maximum is not None:
            validators.insert(0, between(minimum, maximum))
        super().__init__(strict=strict, validate=validators, **kwargs)


class QueryInt(Int):
    """A whole number from a query string or a form field ("5" is 5)."""

    def __init__(self, **kwargs):
        super().__init__(strict=False, **kwargs)


ID_RANGE = {"minimum": 1, "maximum": MAX_ID}


def Id(**kwargs):
    """A row id in a JSON body. The range is documented, not enforced here: the service answers an
    id no row can have with its own 404/422 code (paging.row_id)."""
    return Int(metadata={**ID_RANGE, **kwargs.pop("metadata", {})}, **kwargs)


def QueryId(**kwargs):
    """A row id in a query string or form field (range documented, as for `Id`)."""
    return QueryInt(metadata={**ID_RANGE, **kwargs.pop("metadata", {})}, **kwargs)


class Decimal(_ZhMessages, fields.Decimal):
    default_error_messages = {"invalid": "必须是数字", "special": "必须是有限数字"}


class Bool(_ZhMessages, fields.Boolean):
    default_error_messages = {"invalid": "必须是 true 或 false"}

    def __init__(self, **kwargs):
        super().__init__(truthy={True}, falsy={False}, **kwargs)


class Date(_ZhMessages, fields.Date):
    """YYYY-MM-DD within the service's range; loads a `datetime.date`."""

    default_error_messages = {"invalid": "日期格式错误,应为 YYYY-MM-DD", "format": "日期格式错误"}

    def __init__(self, **kwargs):
        metadata = {"description": f"YYYY-MM-DD, {MIN_DATE.isoformat()}..{MAX_DATE.isoformat()}",
                    **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        if not date_in_range(day):
            raise ValidationError(f"日期必须在 {DATE_RANGE_TEXT} 之间")
        return day


class FilterDate(Date):
    """A date bounding a search (`?to=2100-12-31`): any valid date, held to the service's range,
    since a bound beyond the range asks for everything up to its end."""

    def __init__(self, **kwargs):
        metadata = {"description": "YYYY-MM-DD; a bound outside the service's range is taken as its end",
                    **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        day = fields.Date._deserialize(self, value, attr, data, **kwargs)
        return min(max(day, MIN_DATE), MAX_DATE)


class List(_ZhMessages, fields.List):
    default_error_messages = {"invalid": "必须是数组"}


class Nested(_ZhMessages, fields.Nested):
    default_error_messages = {"type": "必须是对象"}


class Dict(_ZhMessages, fields.Dict):
    default_error_messages = {"invalid": "必须是对象"}


def one_of(choices):
    return validate.OneOf(choices, error="必须是以下之一:{choices}")


def length(min=None, max=None):
    return validate.Length(min=min, max=max, error="长度必须在 {min} 到 {max} 之间")


def at_least(minimum):
    return validate.Range(min=minimum, error="不能小于 {min}")


def between(minimum=None, maximum=None):
    if minimum is None:
        return validate.Range(max=maximum, error="不能大于 {max}")
    if maximum is None:
        return at_least(minimum)
    return validate.Range(min=minimum, max=maximum, error="必须在 {min} 到 {max} 之间")


class ApiSchema(Schema):
    """Unknown fields are refused, in Chinese."""

    error_messages = {"unknown": "未知字段", "type": "请求体必须是 JSON 对象"}

    class Meta:
        unknown = RAISE


class PageArgs(ApiSchema):
    # None when absent: views pass args["limit"] and args["cursor"] on
    limit = QueryInt(minimum=1, maximum=PAGE_MAX, load_default=None,
                     metadata={"description": f"page size, 1..{PAGE_MAX} (default 100)"})
    # a list in a computed order (tasks, inbox) pages by its sort key, longer than an id
    cursor = Text(200, load_default=None, metadata={"description": "the previous page's `next_cursor`"})


class QueryFlag(_ZhMessages, fields.Boolean):
    """A yes/no query parameter: ?overdue=true (also 1/0, false)."""

    default_error_messages = {"invalid": "必须是 true 或 false"}

    def __init__(self, **kwargs):
        super().__init__(truthy={"true", "1"}, falsy={"false", "0"}, **kwargs)
