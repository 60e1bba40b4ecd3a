"""One report table as a printable page and as CSV (DOMAIN.md section 9).

On screen a table is never suppressed (managers see their own figures); small numbers are
hidden only in a download, and only when the manager ticks "Hide numbers under 5"."""

from flask import Response, redirect, url_for

from pwa import db
from pwa.identity import current_actor
from pwa.policy import can, report_for, requires
from pwa.rendering import render
from pwa.reports import export
from pwa.reports.blueprint import bp
from pwa.reports.request_filter import current_filter
from pwa.reports.tables import TABLES, build_table

# Reports with a page of their own: the table address sends people there.
OWN_PAGES = {export.KEY_FIGURES: "reports.dashboard", export.DATA_COMPLETENESS: "reports.completeness"}


def denominator_words(denominator: str) -> str:
    """ "Clients registered in the period" -> "clients registered in the period", for a sentence."""
    return denominator[:1].lower() + denominator[1:]


def _page(name: str, form, status: int = 200):
    table = None
    if not form.errors and name in TABLES:
        on_screen = form.filter.with_changes(suppress=False)
        table = build_table(db.session(), name, on_screen, form.comparison)
    back = "reports.dashboard" if can(current_actor(), "reports.view") else "reports.community"
    return render(
        "reports/table.html",
        name=name,
        title=TABLES[name].title if name in TABLES else export.SPECIAL[name],
        table=table,
        form=form,
        back=back,
        denominator_words=denominator_words,
    ), status


@bp.get("/reports/<name>")
@requires("reports.community")
def table(name: str):
    """The table with its filter form, unit, denominator, total, notes, and links to download and print."""
    name = report_for(name)
    form = current_filter()
    if name in OWN_PAGES:
        return redirect(url_for(OWN_PAGES[name], **form.query()))
    return _page(name, form, 422 if form.errors else 200)


@bp.get("/reports/<name>.csv")
@requires("reports.community")
def table_csv(name: str):
    """The table as CSV, named for the service, table and period; small numbers hidden when asked."""
    name = report_for(name)
    form = current_filter()
    if form.errors:
        return _page(name, form, 422)
    found = export.gather(db.session(), name, form.filter, form.comparison)
    response = Response(export.to_csv(found), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Disposition"] = f'attachment; filename="{export.filename(found)}"'
    return response
