"""The pre-session digest: one screen about the client's time since the last session."""

from flask import Blueprint

bp = Blueprint("digest", __name__)
