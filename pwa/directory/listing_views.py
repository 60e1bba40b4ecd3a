"""Adding and editing listings, marking them reviewed, reporting problems, the managers' flag list."""

from flask import Blueprint

bp = Blueprint("listings", __name__)
