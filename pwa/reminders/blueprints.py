"""The two blueprints of this package; their routes live in choice_views and message_views."""

from flask import Blueprint

reminders = Blueprint("reminders", __name__)
messages = Blueprint("messages", __name__)
