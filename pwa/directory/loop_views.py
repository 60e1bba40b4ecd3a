"""Closing the loop: a client's "I'm interested" and "I went", staff signposting from a listing,
and following signposts up."""

from flask import Blueprint

bp = Blueprint("directory_loop", __name__)
