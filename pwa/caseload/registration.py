"""Registering a client and keeping their details and consent up to date."""

from flask import Blueprint

bp = Blueprint("registration", __name__)
