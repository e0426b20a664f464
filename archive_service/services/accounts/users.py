"""Accounts, passwords, login lockout and API tokens."""
import hashlib
import re
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ...db import Statement, for_update, transaction
from ...domain.actors import Actor
from ...domain.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, require
from ...domain.permissions import ROLES, require_permission
from ...domain.timeutil import from_db, iso_local, to_db
from ...models import ApiToken, LoginThrottle, Setting, User
from ...paging import keyset_page, text_cursor
from ..people import holdings
from ..platform import audit
from . import token_cache

HASHER = PasswordHasher()
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{2,64}$")
MIN_PASSWORD = 8
BAD_LOGIN = ("auth.invalid_credentials", "用户名或密码错误,或账号已被锁定")
HOLDERS_LOCK = "users.holders"
# Verified against when the username is unknown, so both paths cost the same time.
_DUMMY_HASH = HASHER.hash("not-a-real-password")


def actor_of(user, client_addr=""):
    return Actor(id=user.id, username=user.username, display_name=user.display_name,
                 roles=tuple(user.roles), client_addr=client_addr)


def user_view(user):
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "roles": user.roles,
        "department": user.department,
        "email": user.email,
        "active": user.active,
        "created_at": iso_local(user.created_at),
    }


def _clean_roles(roles):
    if not isinstance(roles, (list, tuple)) or not roles:
        raise InvalidInput("user.invalid_roles", "至少需要一个角色", errors={"roles": "至少需要一个角色"})
    unknown = [r for r in roles if r not in ROLES]
    require(not unknown, InvalidInput, "user.unknown_role", f"未知角色:{', '.join(map(str, unknown))}",
            errors={"roles": f"可选角色:{', '.join(ROLES)}"})
    return ",".join(dict.fromkeys(roles))


def _check_password(password):
    require(isinstance(password, str) and len(password) >= MIN_PASSWORD, InvalidInput,
            "user.weak_password", f"密码至少需要 {MIN_PASSWORD} 个字符",
            errors={"password": f"至少 {MIN_PASSWORD} 个字符"})


def _fields(display_name=None, department=None, email=None):
    for name, value in (("display_name", display_name), ("department", department), ("email", email)):
        require(value is None or (isinstance(value, str) and len(value) <= 100), InvalidInput,
                "request.invalid_field", f"{name} 格式错误", errors={name: "应为不超过 100 字的文本"})


def create_user(actor, *, username, password, roles, display_name=None, department="", email="", now):
    """Create an account (admin only; `actor=None` is the command line on the server itself)."""
    if actor is not None:
        require_permission(actor, "users.manage")
    require(isinstance(username, str) and USERNAME_RE.match(username), InvalidInput, "user.invalid_username",
            "用户名只能包含字母、数字、点、下划线和连字符,长度 2–64",
            errors={"username": "字母、数字、._-,2–64 位"})
    _check_password(password)
    _fields(display_name, department, email)
    roles_text = _clean_roles(roles)
    password_hash = HASHER.hash(password)  # slow by design: not while holding the write lock
    exists = Conflict("user.exists", f"用户名 {username} 已存在")
    with transaction(conflict=exists):
        if User.select().where(User.username == username).exists():
            raise exists
        user = User.create(username=username, display_name=display_name or username,
                           password_hash=password_hash, roles_text=roles_text,
                           department=department or "", email=email or "", created_at=to_db(now))
        audit.record(actor, "user.create", "user", username,
                     {"roles": user.roles, "display_name": user.display_name}, now=now)
    return user_view(user)


def get_user(actor, username):
    require_permission(actor, "users.view")
    return user_view(_load(username))


def user_page(actor, *, limit=None, cursor=None):
    """The accounts by username, a page at a time: {"items", "next_cursor"}."""
    require_permission(actor, "users.view")
    return keyset_page(User.select(), User.username, limit=limit, cursor=cursor, view=user_view,
                       parse_cursor=text_cursor)


def list_users(actor, include_inactive=True):
    require_permission(actor, "users.view")
    query = User.select().order_by(User.username)
    if not include_inactive:
        query = query.where(User.active)
    return [user_view(u) for u in query]


def _load(username):
    user = User.get_or_none(User.username == str(username))
    if user is None:
        raise NotFound("user.not_found", f"找不到用户 {username}")
    return user


def update_user(actor, username, *, display_name=None, roles=None, active=None, department=None,
                email=None, password=None, now):
    """Edit an account. Accounts are never deleted, only deactivated; deactivation is refused
    while the user still handles or holds something, and a role change while the user holds
    something by a role it takes away (R21): 409 `user.still_holds`."""
    require_permission(actor, "users.manage")
    _fields(display_name, department, email)
    require(active is None or isinstance(active, bool), InvalidInput, "request.invalid_field",
            "active 必须是布尔值", errors={"active": "必须是 true 或 false"})
    with transaction():
        if roles is not None or active is False:
            _lock_holders()
        user = for_update(User.select().where(User.username == str(username))).get_or_none()
        if user is None:
            raise NotFound("user.not_found", f"找不到用户 {username}")
        changes = {}
        for name, value in (("display_name", display_name), ("department", department), ("email", email)):
            if value is not None and value != getattr(user, name):
                changes[name] = [getattr(user, name), value]
                setattr(user, name, value)
        if roles is not None:
            _change_roles(user, roles, changes)
        if password is not None:
            _check_password(password)
            user.password_hash = HASHER.hash(password)
            user.session_version += 1
            LoginThrottle.delete().where(LoginThrottle.username == user.username).execute()
            changes["password"] = "changed"
        if active is not None and active != user.active:
            if not active and user.id == actor.id:
                raise Conflict("user.cannot_deactivate_self", "不能停用自己的账号")
            if not active:
                _require_nothing_held(holdings.of_user(user.id), "该用户仍经办或持有")
            changes["active"] = [user.active, active]
            user.active = active
            if not active:
                _end_access(user, now)
        user.save()
        if changes:
            audit.record(actor, "user.update", "user", user.username, changes, now=now)
    token_cache.OWNERS.forget_user(user.id)
    return user_view(user)


def _change_roles(user, roles, changes):
    """New roles for the user; refused while the user holds something by a role taken away (R21)."""
    new_roles = _clean_roles(roles)
    if new_roles == user.roles_text:
        return
    lost = set(user.roles) - set(new_roles.split(","))
    if lost:
        names = "、".join(ROLES[r] for r in sorted(lost))
        _require_nothing_held(holdings.held_by_roles(user.id, lost), f"移除{names}角色后将无人经办或保管的事项")
    changes["roles"] = [user.roles, new_roles.split(",")]
    user.roles_text = new_roles


def _lock_holders():
    """Deactivations and role changes queue here one at a time (a row locked until the transaction
    ends): two custodians losing the role at once cannot each see the other still keeping the safe."""
    Setting.insert(key=HOLDERS_LOCK, value="").on_conflict_ignore().execute()
    for_update(Setting.select().where(Setting.key == HOLDERS_LOCK)).get()


def _require_nothing_held(held, head):
    require(not held, Conflict, "user.still_holds",
            f"{head} {len(held)} 项,请先办理离职交接:" + ";".join(f"{i['kind_name']} {i['ref']}" for i in held[:10]),
            details={"holdings": held})


def authenticate(username, password, *, now, client_addr="", max_failures=5, lock_minutes=15):
    """The actor for a correct password. Failures are counted per username and client address:
    `max_failures` in a row lock that pair for `lock_minutes`, so a stranger elsewhere cannot lock
    the account out. The answer never reveals whether the user exists or is locked."""
    if not isinstance(username, str) or not isinstance(password, str):
        raise InvalidInput("request.invalid_field", "用户名和密码必须是文本",
                           errors={"username": "必填", "password": "必填"})
    with transaction():
        throttle = _throttle(username, client_addr)
        locked = throttle.locked_until is not None and from_db(throttle.locked_until) > now
        user = User.get_or_none(User.username == username)
        right = _verify(user.password_hash if user else _DUMMY_HASH, password) and user is not None
        if right and user.active and not locked:
            throttle.delete_instance()
            audit.record(actor_of(user, client_addr), "user.login", "user", user.username, now=now)
            failure = None
        else:
            if not locked:
                _count_failure(throttle, user, now, client_addr, max_failures, lock_minutes)
            failure = NotAuthenticated(*BAD_LOGIN)
    if failure:
        raise failure
    return actor_of(user, client_addr)


def _throttle(username, client_addr):
    """The failure counter of this username from this address, locked until the transaction ends."""
    key = {"username": username[:64], "client_addr": (client_addr or "")[:64]}
    LoginThrottle.insert(**key, failures=0).on_conflict_ignore().execute()
    return for_update(LoginThrottle.select().where(LoginThrottle.username == key["username"],
                                                   LoginThrottle.client_addr == key["client_addr"])).get()


def _count_failure(throttle, user, now, client_addr, max_failures, lock_minutes):
    throttle.failures += 1
    if throttle.failures >= max_failures:
        throttle.locked_until, throttle.failures = to_db(now + timedelta(minutes=lock_minutes)), 0
        audit.record(actor_of(user, client_addr) if user else None, "user.locked", "user", throttle.username,
                     {"minutes": lock_minutes, "client_addr": client_addr}, now=now)
    throttle.save()


def _verify(stored_hash, password):
    try:
        return HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _token_digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(actor, *, now):
    """A new API token for the actor; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    with transaction():
        ApiToken.create(user=actor.id, token_hash=_token_digest(token), created_at=to_db(now))
        audit.record(actor, "token.issue", "user", actor.username, now=now)
    return token


# Every API call runs this: its SQL is built once.
_TOKEN_OWNER = Statement(lambda m: ApiToken.select(User.id, User.username, User.display_name, User.active,
                                                    ApiToken.revoked_at, User.roles_text)
                         .join(User).where(ApiToken.token_hash == m("digest")).limit(1))


def actor_for_token(token, *, client_addr="", now):
    """The actor a bearer token stands for; NotAuthenticated when missing, unknown or revoked."""
    require(token, NotAuthenticated, "auth.token_missing", "缺少访问令牌")
    digest = _token_digest(token)
    row = token_cache.OWNERS.get(digest)
    if row is None:
        row = _TOKEN_OWNER.run(digest=digest).fetchone()
        require(row is not None and row[4] is None and row[3], NotAuthenticated,
                "auth.token_invalid", "访问令牌无效或已被撤销")
        token_cache.OWNERS.put(digest, row[0], row)
    return Actor(id=row[0], username=row[1], display_name=row[2], roles=tuple(r for r in row[5].split(",") if r),
                 client_addr=client_addr)


def revoke_token(actor, token, *, now):
    with transaction():
        updated = (ApiToken.update(revoked_at=to_db(now))
                   .where(ApiToken.token_hash == _token_digest(token), ApiToken.revoked_at.is_null())
                   .execute())
        require(updated == 1, NotAuthenticated, "auth.token_invalid", "访问令牌无效或已被撤销")
        audit.record(actor, "token.revoke", "user", actor.username, now=now)
    token_cache.OWNERS.forget(_token_digest(token))


def _end_access(user, now):
    """Deactivation: every browser session ends and every API token is revoked for good, so a
    later reactivation brings none of them back."""
    user.session_version += 1
    ApiToken.update(revoked_at=to_db(now)).where(ApiToken.user == user.id, ApiToken.revoked_at.is_null()).execute()


def session_key(actor):
    """What a browser session keeps to name its user: "<id>.<session version>"."""
    return f"{actor.id}.{User.get_by_id(actor.id).session_version}"


def load_actor(key, client_addr=""):
    """The actor behind a signed-in browser session, or None when the account is gone or inactive,
    or the session was ended (logout, password change, deactivation) since it signed in."""
    user_id, _, version = str(key).partition(".")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = User.get_or_none(User.id == int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return actor_of(user, client_addr)


def end_sessions(actor, *, now):
    """Logout: every browser session of this user ends (the cookie alone no longer signs in)."""
    with transaction():
        User.update(session_version=User.session_version + 1).where(User.id == actor.id).execute()
        audit.record(actor, "user.logout", "user", actor.username, now=now)
