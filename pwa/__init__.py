"""Health Trainer PWA: the Flask application factory."""

import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from pwa import config, db, errors, rendering, security, templating
from pwa.extensions import csrf, htmx, login_manager

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: defaults, then environment, then test_config."""
    # The instance folder keeps the SQLite file and the local secret key.
    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("INSTANCE_PATH") or None
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    config.configure(app, test_config)
    if app.config["TRUSTED_PROXIES"]:
        # Behind a load balancer: trust its X-Forwarded-* headers for scheme and client address.
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    db.init_app(app)
    htmx.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    rendering.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    errors.init_app(app)

    from pwa import account, admin, auth, clients, home, shell
    from pwa.caseload import digest_views, journey_views, registration, session_views, signpost_views, worklist
    from pwa.community import course_views, event_views, partner_views, stall_views, story_views, volunteer_views
    from pwa.diary import api, staff, views
    from pwa.directory import feed_views, listing_views, loop_views, search_views
    from pwa.plans import views as plans
    from pwa.reminders import choice_views, message_views  # noqa: F401 (they add routes to the blueprints)
    from pwa.reminders.blueprints import messages, reminders
    from pwa.reports import comparator_views, dashboard_views, import_views, table_views  # noqa: F401 (they add routes to bp)
    from pwa.reports.blueprint import bp as reports

    caseload = (registration, journey_views, session_views, signpost_views, digest_views, worklist)
    directory = (search_views, listing_views, loop_views, feed_views)
    community = (event_views, partner_views, stall_views, course_views, story_views, volunteer_views)
    modules = (auth, account, home, clients, admin, shell, views, staff, api, plans, *caseload, *directory, *community)
    for blueprint_module in modules:
        app.register_blueprint(blueprint_module.bp)
    app.register_blueprint(reports)
    app.register_blueprint(reminders)
    app.register_blueprint(messages)

    from pwa import cli

    cli.init_app(app)
    return app
