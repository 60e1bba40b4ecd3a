"""The manager's dashboard (key figures and charts), the champions' community figures and the
data-completeness page."""

from decimal import Decimal

from flask import url_for

from pwa import db
from pwa.identity import current_actor
from pwa.policy import audit, completeness_scope, requires
from pwa.rendering import render
from pwa.reports import charts
from pwa.reports.blueprint import bp
from pwa.reports.completeness import RULES, missing_clients
from pwa.reports.completeness import completeness as completeness_counts
from pwa.reports.key_figures import key_figures, monthly_registrations
from pwa.reports.pack import DASHBOARD_PASSES
from pwa.reports.passes import prefetch, shared_passes
from pwa.reports.request_filter import current_filter
from pwa.reports.tables import COMMUNITY_TABLES, SPECS, TABLES, build_table

# The dashboard's list of every table, by group (drop-out sits apart: each row is its own rate).
GROUPS = {"clients": "Clients", "goals": "Goals", "change": "Change", "community": "Community"}
OTHER = ("Other (drop-out)", ["dropout_by_referral_source"])
MISSING_LIMIT = 50  # names listed per field; the rest are counted


def table_groups() -> list[tuple[str, list]]:
    """(heading, specs) for every report table, in the registry's order."""
    groups = [
        (heading, [spec for spec in SPECS if spec.group == group and spec.name not in OTHER[1]])
        for group, heading in GROUPS.items()
    ]
    return groups + [(OTHER[0], [TABLES[name] for name in OTHER[1]])]


def figure_text(value: Decimal | int | None, unit: str = "") -> str:
    """A key figure as words: "52.6%", "1,204 clients", "Not known"."""
    if value is None:
        return "Not known"
    text = f"{value:,}"
    if unit == "%":
        return text + "%"
    return f"{text} {unit}".strip()


@bp.get("/reports")
@requires("reports.view")
def dashboard():
    """Key figures, three small charts, and every table to open, print or download."""
    form = current_filter()
    page = dict(form=form, figure_text=figure_text)
    if form.errors:
        return render("reports/dashboard.html", figures=None, **page), 422
    session = db.session()
    # On screen nothing is suppressed (as on the table pages); "hide numbers under 5" is for downloads.
    report_filter = form.filter.with_changes(suppress=False)
    with shared_passes():  # the figures and charts share their aggregate queries
        prefetch(session, report_filter, DASHBOARD_PASSES)
        months = monthly_registrations(session, report_filter)
        shown = [
            charts.months_chart(months),
            charts.quintile_chart(build_table(session, "deprivation_quintile", report_filter, form.comparison)),
            charts.outcome_chart(build_table(session, "goal_outcome", report_filter, form.comparison)),
        ]
        figures = key_figures(session, report_filter)
    return render("reports/dashboard.html", figures=figures, charts=shown, groups=table_groups(), **page)


@bp.get("/reports/community")
@requires("reports.community")
def community():
    """Community figures for champions and managers: events, people reached, signposts. Counts of
    activities only, never of clients."""
    form = current_filter()
    # A champion chooses no trainer and no comparison: those fields are not on the form.
    form.errors.pop("trainer", None)
    form.errors.pop("comparator", None)
    form.filter = form.filter.with_changes(trainer_id=None)
    if form.errors:
        return render("reports/community.html", form=form, tables=None), 422
    session = db.session()
    on_screen = form.filter.with_changes(suppress=False)
    tables = [build_table(session, name, on_screen, form.comparison) for name in COMMUNITY_TABLES]
    by_name = {table.spec.name: table for table in tables}
    signposts = by_name["follow_up_results"]
    no_result = sum(row.count for row in signposts.rows if row.code == "not_recorded")
    totals = [
        ("Activities held", by_name["activities_by_type"].total.count),
        ("People reached", by_name["people_reached"].total.count),
        ("Signposts and referrals made", by_name["signposts_by_destination"].total.count),
        ("Signposts where we know what happened", signposts.total.count - no_result),
    ]
    return render("reports/community.html", form=form, tables=tables, totals=totals)


def fix_link(field: str, client_id: int) -> str:
    """Where a missing field is put right: the client's details, or their page for the journey."""
    if RULES[field].fix == "details":
        return url_for("registration.edit_details", client_id=client_id)
    return url_for("clients.show", client_id=client_id)


@bp.get("/reports/completeness")
@requires("reports.completeness")
def completeness():
    """Per field, recorded / declined / not recorded, and the clients missing it, to fix.
    A manager sees the service; a trainer or trainee their own caseload."""
    scope = completeness_scope(current_actor())
    form = current_filter(trainer_id=scope)
    form.errors.pop("comparator", None)  # not on this form
    if scope is not None:
        form.errors.pop("trainer", None)  # pinned to their own caseload
    page = dict(form=form, own_caseload=scope is not None)
    if form.errors:
        return render("reports/completeness.html", fields=None, **page), 422
    session = db.session()
    fields = completeness_counts(session, form.filter)
    missing = {
        item.field: missing_clients(session, form.filter, item.field, MISSING_LIMIT)
        for item in fields
        if item.not_recorded
    }
    listed = sum(len(names) for names, _ in missing.values())
    # Names of clients are a view of client records: one audit row for the page.
    audit(
        "view_completeness_list",
        detail=f"{listed} names listed: " + ", ".join(f"{k} {v[1]}" for k, v in missing.items()),
    )
    return render(
        "reports/completeness.html", fields=fields, missing=missing, fix_link=fix_link, limit=MISSING_LIMIT, **page
    )
