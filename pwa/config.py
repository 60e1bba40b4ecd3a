"""Configuration: defaults, then the environment, then test_config (flaskr order)."""

import os
import secrets
from pathlib import Path

from flask import Flask

# Settings read from environment variables of the same name. See the README table.
ENVIRONMENT_SETTINGS = {
    "DATABASE_URL": str,
    "SECRET_KEY": str,
    "SESSION_COOKIE_SECURE": "bool",
    "SETUP_CODE_HOURS": int,
    "RESET_CODE_HOURS": int,
    "TRUSTED_PROXIES": int,
    "INSTANCE_PATH": str,
    "VAPID_PRIVATE_KEY": str,
    "VAPID_SUBJECT": str,
    "PUSH_SERVICE_HOSTS": str,
}


class ConfigError(RuntimeError):
    """Raised at start-up when the configuration is unsafe or incomplete."""


def parse_bool(value: str) -> bool:
    """Read yes/no style environment values ("1", "true", "yes", "on")."""
    return value.strip().lower() in {"1", "true", "yes", "on"}


def default_database_url(instance_path: str) -> str:
    """The embedded SQLite file in the instance folder."""
    return f"sqlite:///{Path(instance_path) / 'health-trainer.sqlite3'}"


def read_environment() -> dict:
    """Settings present in the environment, converted to their types."""
    found = {}
    for name, kind in ENVIRONMENT_SETTINGS.items():
        raw = os.environ.get(name)
        if raw is None or raw == "":
            continue
        found[name] = parse_bool(raw) if kind == "bool" else kind(raw)
    return found


def several_workers() -> bool:
    """True when a process manager says it runs more than one worker."""
    try:
        return int(os.environ.get("WEB_CONCURRENCY", "1")) > 1
    except ValueError:
        return False


def local_secret_key(instance_path: str) -> str:
    """Generate once and keep a secret key in the instance folder, for local use only."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    # Created readable by the owner only, from the first byte.
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
        handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def configure(app: Flask, test_config: dict | None) -> None:
    """Fill app.config and refuse unsafe set-ups."""
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        DATABASE_URL=default_database_url(app.instance_path),
        SETUP_CODE_HOURS=72,
        RESET_CODE_HOURS=24,
        TRUSTED_PROXIES=0,
        TIME_ZONE="Europe/London",
        # A friendly error page even in debug mode: no stack trace ever reaches a user.
        PROPAGATE_EXCEPTIONS=False,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="ht_session",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_NAME="ht_remember",
        REMEMBER_COOKIE_DURATION=60 * 60 * 24 * 30,
        # The CSRF token lives as long as the login session: a phone left open for hours still saves.
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_SSL_STRICT=False,
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
    )
    app.config.update(read_environment())
    if test_config:
        app.config.update(test_config)

    local = app.debug or app.testing
    if not app.config.get("SECRET_KEY"):
        if not local or several_workers():
            raise ConfigError(
                "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
                "string (python -c 'import secrets; print(secrets.token_urlsafe(48))'). It is only "
                "generated for you in debug mode with one worker."
            )
        app.config["SECRET_KEY"] = local_secret_key(app.instance_path)

    # Secure cookies everywhere except local development over plain http, unless set explicitly.
    chosen = {**read_environment(), **(test_config or {})}
    secure = bool(chosen["SESSION_COOKIE_SECURE"]) if "SESSION_COOKIE_SECURE" in chosen else not local
    app.config["SESSION_COOKIE_SECURE"] = secure
    app.config["REMEMBER_COOKIE_SECURE"] = secure
