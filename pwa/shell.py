"""The PWA shell: web app manifest, service worker and offline page (blueprint "pwa")."""

import hashlib
import json
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, url_for

from pwa.policy import public
from pwa.reminders.vapid import application_server_key
from pwa.templating import static_url

bp = Blueprint("pwa", __name__)

SERVICE_WORKER_SOURCE = Path(__file__).resolve().parent.parent / "service_worker" / "sw.js"
APP_NAME = "Health Trainer"
THEME_COLOUR = "#005a52"
BACKGROUND_COLOUR = "#ffffff"

# The offline diary queue, shared by the pages and the worker (which imports it).
DIARY_QUEUE_SCRIPT = "js/diary-queue.js"
# Static files the service worker keeps so the app opens with no signal. No personal data.
SHELL_ASSETS = [
    "css/app.css",
    "js/app.js",
    DIARY_QUEUE_SCRIPT,
    "js/diary.js",
    "js/stall.js",
    "vendor/htmx/htmx.min.js",
    "icons/icon-192.png",
    "icons/icon.svg",
]


@bp.get("/manifest.webmanifest")
@public
def manifest():
    data = {
        "id": "/",
        "name": "Health Trainer: your health plan and diary",
        "short_name": APP_NAME,
        "description": "Keep your health diary, see your goals and find local activities.",
        "lang": "en-GB",
        "dir": "ltr",
        "start_url": "/?source=app",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "categories": ["health", "medical", "lifestyle"],
        "icons": [
            {"src": static_url("icons/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": static_url("icons/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {
                "src": static_url("icons/maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
            {"src": static_url("icons/icon.svg"), "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
        ],
    }
    response = Response(json.dumps(data, indent=1), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def shell_urls() -> list[str]:
    """Everything the worker precaches: the offline page and the versioned shell assets."""
    return [url_for("pwa.offline")] + [static_url(asset) for asset in SHELL_ASSETS]


@cache
def _source() -> str:
    return SERVICE_WORKER_SOURCE.read_text()


@cache
def _release() -> str:
    try:
        return version("health-trainer-pwa")
    except PackageNotFoundError:
        return "dev"


def worker_version(urls: list[str]) -> str:
    """Changes whenever the worker, an asset or the app version changes, so phones update."""
    release = _release()
    digest = hashlib.sha256((_source() + "".join(urls)).encode()).hexdigest()[:10]
    return f"{release}-{digest}"


@bp.get("/sw.js")
@public
def service_worker():
    if current_app.debug:
        _source.cache_clear()
    urls = shell_urls()
    body = (
        _source()
        .replace('"__VERSION__"', json.dumps(worker_version(urls)))
        .replace('["__SHELL_URLS__"]', json.dumps(urls))
        .replace('"__OFFLINE_URL__"', json.dumps(url_for("pwa.offline")))
        .replace('"__DIARY_QUEUE_URL__"', json.dumps(static_url(DIARY_QUEUE_SCRIPT)))
        .replace('"__PUSH_RENEW_URL__"', json.dumps(url_for("reminders.renew")))
        .replace('"__PUSH_KEY__"', json.dumps(application_server_key() or ""))
    )
    response = Response(body, mimetype="text/javascript")
    # Browsers must check for a new worker on every visit.
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/offline")
@public
def offline():
    """Shown by the worker when a page cannot load. Holds no personal data, so it may be cached."""
    response = Response(render_template("pwa/offline.html", shell_only=True))
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/favicon.ico")
@public
def favicon():
    return current_app.send_static_file("icons/favicon.ico")
