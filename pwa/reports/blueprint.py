"""The reports blueprint. Its routes live in dashboard_views, table_views and comparator_views."""

from flask import Blueprint

bp = Blueprint("reports", __name__)
