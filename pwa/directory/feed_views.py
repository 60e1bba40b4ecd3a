"""Our listings as an OpenActive-style RPDE feed for other tools."""

from flask import Blueprint

bp = Blueprint("open_data", __name__)
