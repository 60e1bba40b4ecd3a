"""One report table as a printable page and as CSV (DOMAIN.md section 9)."""

from pwa.policy import requires
from pwa.reports.blueprint import bp


@bp.get("/reports/<name>")
@requires("reports.community")
def table(name: str):
    raise NotImplementedError


@bp.get("/reports/<name>.csv")
@requires("reports.community")
def table_csv(name: str):
    raise NotImplementedError
