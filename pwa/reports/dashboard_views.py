"""The manager's dashboard (key figures and charts), the champions' community figures and the
data-completeness page."""

from pwa.policy import requires
from pwa.reports.blueprint import bp


@bp.get("/reports")
@requires("reports.view")
def dashboard():
    raise NotImplementedError


@bp.get("/reports/community")
@requires("reports.community")
def community():
    raise NotImplementedError


@bp.get("/reports/completeness")
@requires("reports.completeness")
def completeness():
    raise NotImplementedError
