"""Signposting and referral from the client record, and what came of it."""

from flask import Blueprint

bp = Blueprint("signposts", __name__)
