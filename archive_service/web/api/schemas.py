"""Request schemas with zh-CN messages: every field type the API uses, told in Chinese."""
from marshmallow import RAISE, Schema, fields, validate


class _ZhMessages:
    default_error_messages = {
        "required": "必填字段",
        "null": "不能为空",
        "validator_failed": "取值无效",
    }


class Str(_ZhMessages, fields.String):
    default_error_messages = {"invalid": "必须是文本", "invalid_utf8": "不是有效的 UTF-8 文本"}


class Int(_ZhMessages, fields.Integer):
    default_error_messages = {"invalid": "必须是整数", "too_large": "数值过大"}

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)


class Decimal(_ZhMessages, fields.Decimal):
    default_error_messages = {"invalid": "必须是数字", "special": "必须是有限数字"}


class Bool(_ZhMessages, fields.Boolean):
    default_error_messages = {"invalid": "必须是 true 或 false"}

    def __init__(self, **kwargs):
        super().__init__(truthy={True}, falsy={False}, **kwargs)


class Date(_ZhMessages, fields.Date):
    default_error_messages = {"invalid": "日期格式错误,应为 YYYY-MM-DD", "format": "日期格式错误"}


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


class ApiSchema(Schema):
    """Unknown fields are refused, in Chinese."""

    error_messages = {"unknown": "未知字段", "type": "请求体必须是 JSON 对象"}

    class Meta:
        unknown = RAISE


class PageArgs(ApiSchema):
    # a query string carries text: "50" is a number here (the JSON bodies' Int is strict)
    limit = fields.Integer(load_default=None, error_messages={"invalid": "必须是整数"})
    cursor = Str(load_default=None)
