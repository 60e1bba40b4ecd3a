"""Searching the directory and reading one listing, logged in or on the public directory."""

from flask import Blueprint

bp = Blueprint("directory", __name__)
