"""The client's journey: eligibility, assessment, agreement, pause, exit and follow-up."""

from flask import Blueprint

bp = Blueprint("journey", __name__)
