"""Admin pages: services (site admins) and people and their roles (site and service admins)."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from pwa.admin import people, services  # noqa: E402,F401  (routes register on bp)
