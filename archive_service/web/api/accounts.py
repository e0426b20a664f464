"""Tokens and users."""
from flask import current_app, g

from ...domain.permissions import ROLES
from ...services.accounts import users
from ..context import client_addr, current_actor, now
from .base import api_blueprint
from .schemas import ApiSchema, Bool, List, PageArgs, Text, length

bp = api_blueprint("tokens", "API tokens: sign in with a password, then send `Authorization: Bearer <token>`")
users_bp = api_blueprint("users", "User accounts (admin)")


ROLE_NAMES = {"enum": list(ROLES)}


class Credentials(ApiSchema):
    username = Text(64, required=True, validate=length(1, 64))
    password = Text(256, strip=False, required=True, validate=length(1, 256))


class NewUser(ApiSchema):
    username = Text(64, required=True)
    display_name = Text(100, load_default=None)
    password = Text(256, strip=False, required=True)
    roles = List(Text(32, metadata=ROLE_NAMES), required=True)
    department = Text(100, load_default="")
    email = Text(255, load_default="")


class UserChange(ApiSchema):
    display_name = Text(100)
    roles = List(Text(32, metadata=ROLE_NAMES))
    active = Bool()
    department = Text(100)
    email = Text(255)
    password = Text(256, strip=False)


@bp.post("/tokens")
@bp.arguments(Credentials)
@bp.response(201)
def issue(body):
    """Exchange a username and password for an API token."""
    cfg = current_app.config
    actor = users.authenticate(body["username"], body["password"], now=now(), client_addr=client_addr(),
                               max_failures=cfg["LOGIN_MAX_FAILURES"], lock_minutes=cfg["LOGIN_LOCK_MINUTES"])
    return {"token": users.issue_token(actor, now=now()), "username": actor.username, "roles": list(actor.roles)}


@bp.delete("/tokens/current")
@bp.response(204)
def revoke():
    """Revoke the token this request was made with."""
    users.revoke_token(current_actor(), g.token, now=now())
    return ""


@users_bp.get("/users")
@users_bp.arguments(PageArgs, location="query")
@users_bp.response(200)
def list_users(args):
    return users.user_page(current_actor(), **args)


@users_bp.post("/users")
@users_bp.arguments(NewUser)
@users_bp.response(201)
def create_user(body):
    return users.create_user(current_actor(), now=now(), **body)


@users_bp.get("/users/<username>")
@users_bp.response(200)
def get_user(username):
    return users.get_user(current_actor(), username)


@users_bp.patch("/users/<username>")
@users_bp.arguments(UserChange)
@users_bp.response(200)
def update_user(body, username):
    """Edit an account. `active: false`, or `roles` without a role the user still holds something by
    (the last custodian while certificates are kept, the last archivist while files are in the
    archive, a manager who is a project's A or B), is 409 `user.still_holds` listing the holdings (R21)."""
    return users.update_user(current_actor(), username, now=now(), **body)


@users_bp.get("/me")
@users_bp.response(200)
def me():
    actor = current_actor()
    return {"username": actor.username, "display_name": actor.display_name, "roles": list(actor.roles)}
