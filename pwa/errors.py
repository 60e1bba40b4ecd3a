"""Friendly error pages. No stack trace ever reaches a user; the log keeps it."""

from flask import Flask, jsonify, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from pwa.extensions import login_manager

MESSAGES = {
    400: ("Something was wrong with that request", "Please go back and try again."),
    403: ("You cannot see this page", "Your role does not let you see this. If you think it should, ask your manager."),
    404: ("We cannot find that page", "Check the address, or go back to your home page."),
    405: ("That did not work", "Please go back and try again."),
    413: ("That was too big to send", "Please send something smaller."),
    500: ("Sorry, something went wrong on our side", "Nothing you did caused this. Please try again in a minute."),
}


def wants_json() -> bool:
    """The sync API answers in JSON, errors included."""
    return request.path.startswith("/api/")


def error_page(status: int, title: str | None = None, message: str | None = None):
    default_title, default_message = MESSAGES.get(status, MESSAGES[400])
    if wants_json():
        return jsonify({"error": message or default_message, "status": status}), status
    body = render_template(
        "errors/error.html", status=status, title=title or default_title, message=message or default_message
    )
    return body, status


def handle_http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    return error_page(error.code)


def handle_csrf_error(_error: CSRFError):
    if not current_user.is_authenticated and request.endpoint != "auth.login":
        # Usually a login that ran out while the page was open: ask them to log in again.
        return login_manager.unauthorized()
    return error_page(
        400,
        "This page was open too long",
        "For your safety we could not save that. Go back, reload the page and try again.",
    )


def handle_unexpected_error(error: Exception):
    from flask import current_app

    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path, exc_info=error)
    try:
        from pwa import db

        db.session().rollback()
    except Exception:  # the database itself may be what failed
        pass
    return error_page(500)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected_error)
