"""Settings: defaults, overridden by ARCHIVE_* environment variables and DATABASE_URL."""
import os
from pathlib import Path

DEFAULT_SECRET_KEY = "dev-only-not-secret"

# name in app.config -> (environment variable, default, parser)
_SETTINGS = {
    "ENV_NAME": ("ARCHIVE_ENV", "development", str),
    "SECRET_KEY": ("ARCHIVE_SECRET_KEY", DEFAULT_SECRET_KEY, str),
    "DATABASE_URL": ("DATABASE_URL", None, str),
    "SCANS_DIR": ("ARCHIVE_SCANS_DIR", None, str),
    # None: Secure exactly when ARCHIVE_ENV=production (sessions then travel only over HTTPS)
    "SESSION_COOKIE_SECURE": ("ARCHIVE_SECURE_COOKIES", None, lambda v: v.lower() in ("1", "true", "yes")),
    "MAX_CONTENT_LENGTH": ("ARCHIVE_MAX_UPLOAD_MB", 200 * 1024 * 1024, lambda v: int(v) * 1024 * 1024),
    "LOGIN_MAX_FAILURES": ("ARCHIVE_LOGIN_MAX_FAILURES", 5, int),
    "LOGIN_LOCK_MINUTES": ("ARCHIVE_LOGIN_LOCK_MINUTES", 15, int),
    "FROZEN_NOW": ("ARCHIVE_FROZEN_NOW", None, str),
    "TRUSTED_PROXIES": ("ARCHIVE_TRUSTED_PROXIES", 0, int),
    "SMTP_URL": ("ARCHIVE_SMTP_URL", None, str),
    "MAIL_FROM": ("ARCHIVE_MAIL_FROM", "archive@localhost", str),
    "WECOM_WEBHOOK": ("ARCHIVE_WECOM_WEBHOOK", None, str),
    "DINGTALK_WEBHOOK": ("ARCHIVE_DINGTALK_WEBHOOK", None, str),
    "DINGTALK_SECRET": ("ARCHIVE_DINGTALK_SECRET", None, str),
    "SHOW_CUSTOMER_ON_LABELS": ("ARCHIVE_LABEL_CUSTOMER", False, lambda v: v.lower() in ("1", "true", "yes")),
}


class ConfigError(RuntimeError):
    pass


def load(overrides=None, instance_path=None):
    """The effective settings: defaults < environment < explicit overrides."""
    cfg = {name: default for name, (_, default, _) in _SETTINGS.items()}
    for name, (var, _, parse) in _SETTINGS.items():
        if os.environ.get(var):
            cfg[name] = parse(os.environ[var])
    cfg.update(overrides or {})
    instance = Path(instance_path or Path.cwd() / "instance")
    if not cfg["DATABASE_URL"]:
        cfg["DATABASE_URL"] = f"sqlite:///{instance / 'archive.db'}"
    if not cfg["SCANS_DIR"]:
        cfg["SCANS_DIR"] = str(instance / "scans")
    if cfg["SESSION_COOKIE_SECURE"] is None:
        cfg["SESSION_COOKIE_SECURE"] = cfg["ENV_NAME"] == "production"
    cfg["SESSION_COOKIE_HTTPONLY"] = True
    cfg["SESSION_COOKIE_SAMESITE"] = "Lax"
    cfg["REMEMBER_COOKIE_HTTPONLY"] = True
    cfg["REMEMBER_COOKIE_SECURE"] = cfg["SESSION_COOKIE_SECURE"]
    check(cfg)
    return cfg


def check(cfg):
    if cfg["ENV_NAME"] not in ("development", "production", "testing"):
        raise ConfigError(f"ARCHIVE_ENV must be development, production or testing, not {cfg['ENV_NAME']!r}")
    if cfg["ENV_NAME"] == "production" and cfg["SECRET_KEY"] in (DEFAULT_SECRET_KEY, "", None):
        raise ConfigError("ARCHIVE_ENV=production refuses to start with the default secret key: "
                          "set ARCHIVE_SECRET_KEY to a long random value")
