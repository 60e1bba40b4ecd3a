"""Sessions with the client and contacts between them."""

from flask import Blueprint

bp = Blueprint("sessions", __name__)
