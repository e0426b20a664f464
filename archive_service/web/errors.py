"""One place that turns refusals into responses: problem+json for the API, zh-CN pages for people."""
from flask import current_app, flash, jsonify, make_response, redirect, render_template, request, session
from peewee import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from ..db import database
from ..domain.errors import ArchiveError

HTTP_CODES = {
    400: ("request.malformed", "请求格式错误"),
    401: ("auth.required", "请先登录"),
    403: ("auth.forbidden", "您没有访问权限"),
    404: ("not_found", "找不到请求的页面或对象"),
    405: ("request.method_not_allowed", "不支持该请求方法"),
    413: ("upload.too_large", "上传的内容超过大小限制"),
    415: ("request.unsupported_media_type", "不支持的内容类型"),
    422: ("request.invalid", "输入有误"),
    429: ("request.too_many", "请求过于频繁,请稍后再试"),
    500: ("server.error", "服务器内部错误,请联系管理员"),
    503: ("server.database_unavailable", "数据库暂时无法访问(连接中断或繁忙),请稍后重试"),
}

ERROR_TITLES = {400: "请求错误", 401: "未登录", 403: "无权访问", 404: "未找到", 405: "方法不允许",
                409: "状态冲突", 413: "内容过大", 415: "类型不支持", 422: "输入有误", 429: "请求过多",
                500: "服务器错误", 503: "暂时无法服务"}


def wants_json():
    return request.path.startswith("/api/")


def problem(status, code, detail, errors=None, extra=None):
    body = {"type": f"about:blank#{code}", "title": ERROR_TITLES.get(status, "错误"), "status": status,
            "detail": detail, "code": code}
    if errors:
        body["errors"] = errors
    if extra:
        body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def archive_error_response(error):
    extra = {"details": error.details} if error.details is not None else None
    if wants_json():
        return problem(error.status, error.code, error.message, error.errors, extra)
    if _back_to_the_form(error.status):
        flash(error.message, "danger")
        keep_typed_form()
        return redirect(request.referrer)
    return error_page(error.status, error.message, error.code)


FORM_REFUSALS = (400, 404, 409, 413, 415, 422)


def _back_to_the_form(status):
    """A refused form goes back to the page it came from, with the message and what was typed."""
    return request.method == "POST" and status in FORM_REFUSALS and bool(request.referrer)


NEVER_KEPT = ("csrf_token", "password")


def keep_typed_form():
    """Keep what the user typed into a refused form, for the page to fill in again (never passwords)."""
    session["retry_form"] = {name: values for name, values in request.form.lists()
                             if not any(secret in name for secret in NEVER_KEPT)}


def typed_form():
    """The refused form's values, once: {name: [values]} (empty when nothing was refused)."""
    return session.pop("retry_form", {})


def http_error_response(error):
    status = error.code or 500
    code, detail = HTTP_CODES.get(status, ("error", error.description or "错误"))
    if status == 413 and not wants_json() and _back_to_the_form(status):
        flash(detail, "danger")
        return redirect(request.referrer)
    response = make_response(problem(status, code, detail) if wants_json() else error_page(status, detail, code))
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def error_page(status, message, code):
    return render_template("error.html", status=status, title=ERROR_TITLES.get(status, "错误"),
                           message=message, code=code), status


def unexpected_error_response(error):
    if isinstance(error, HTTPException):
        return http_error_response(error)
    current_app.logger.exception("unexpected error")
    give_back_connection()
    return http_error_response(InternalServerError())


def database_unavailable_response(_error):
    """A lost connection or a database too busy to answer in time: nothing was written (the unit of
    work rolled back), the caller may try again, and the pool drops the broken connection."""
    current_app.logger.exception("database unavailable")
    give_back_connection()
    return http_error_response(ServiceUnavailable())


def give_back_connection():
    """After a failure the server thread does not keep its connection: the pool takes it back, and
    closes it when it is broken."""
    if not database.is_closed():
        database.close()


def register(app):
    app.register_error_handler(ArchiveError, archive_error_response)
    app.register_error_handler(HTTPException, http_error_response)
    app.register_error_handler(OperationalError, database_unavailable_response)
    app.register_error_handler(InterfaceError, database_unavailable_response)
    app.register_error_handler(Exception, unexpected_error_response)
