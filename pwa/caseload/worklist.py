"""The caseload worklist: who needs what next, and (for managers) reassigning clients."""

from flask import Blueprint

bp = Blueprint("caseload", __name__)
