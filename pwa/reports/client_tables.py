"""Client tables: one GROUP BY per table over the clients registered in the period."""

from sqlalchemy import func
from sqlmodel import Session, select

from models import Client
from pwa.reports.cohort import registered
from pwa.reports.counts import Counts
from pwa.reports.filters import ReportFilter


def _by_column(session: Session, report_filter: ReportFilter, column):
    rows = session.exec(select(column, func.count()).where(registered(report_filter)).group_by(column)).all()
    return Counts({code: count for code, count in rows})


def gender(session, report_filter):
    return _by_column(session, report_filter, Client.gender)


def age_band(session, report_filter):
    return _by_column(session, report_filter, Client.age_band)


def ethnicity(session, report_filter):
    return _by_column(session, report_filter, Client.ethnicity)


def disability(session, report_filter):
    return _by_column(session, report_filter, Client.disability)


def how_heard(session, report_filter):
    return _by_column(session, report_filter, Client.how_heard)


def referral_source(session, report_filter):
    return _by_column(session, report_filter, Client.referral_source)


def deprivation_quintile(session, report_filter):
    return _by_column(session, report_filter, Client.deprivation_quintile)


# --- For the tables helper to write (see /tmp/brief/BRIEF8.md) --------------------------------


def postcode_district(session, report_filter):
    raise NotImplementedError


def ward(session, report_filter):
    raise NotImplementedError


def month_first_seen(session, report_filter):
    raise NotImplementedError


def eligibility(session, report_filter):
    raise NotImplementedError


def primary_issue(session, report_filter):
    raise NotImplementedError


def bmi_band(session, report_filter):
    raise NotImplementedError


def goals_per_client(session, report_filter):
    raise NotImplementedError


def signposting(session, report_filter):
    raise NotImplementedError


def dropout_by_referral_source(session, report_filter):
    raise NotImplementedError
