"""The one family of refusals. Each has a stable machine `code` and a zh-CN `message`."""


class ArchiveError(Exception):
    """Base of every refusal the service gives. `status` is the HTTP status the web layer uses."""

    status = 400
    default_code = "error"
    default_message = "请求无法处理"

    def __init__(self, code=None, message=None, *, errors=None, details=None):
        self.code = code or self.default_code
        self.message = message or self.default_message
        self.errors = errors or {}
        self.details = details
        super().__init__(f"{self.code}: {self.message}")


class InvalidInput(ArchiveError):
    status = 422
    default_code = "request.invalid"
    default_message = "输入有误"


class MalformedRequest(ArchiveError):
    status = 400
    default_code = "request.malformed"
    default_message = "请求格式错误"


class NotAuthenticated(ArchiveError):
    status = 401
    default_code = "auth.required"
    default_message = "请先登录"


class Forbidden(ArchiveError):
    status = 403
    default_code = "auth.forbidden"
    default_message = "您没有执行此操作的权限"


class NotFound(ArchiveError):
    status = 404
    default_code = "not_found"
    default_message = "找不到该对象"


class Conflict(ArchiveError):
    status = 409
    default_code = "state.conflict"
    default_message = "当前状态下不能执行此操作"


class TooLarge(ArchiveError):
    status = 413
    default_code = "upload.too_large"
    default_message = "上传的文件过大"


class UnsupportedType(ArchiveError):
    status = 415
    default_code = "upload.unsupported_type"
    default_message = "不支持的文件类型"


def require(condition, error_class, code, message, **kwargs):
    """Raise `error_class(code, message)` unless `condition` holds."""
    if not condition:
        raise error_class(code, message, **kwargs)
