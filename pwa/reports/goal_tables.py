"""Goal tables (unit: goals set in the period) and change tables (unit: clients with both a
start and an end score)."""


def goal_category(session, report_filter):
    raise NotImplementedError


def goal(session, report_filter):
    raise NotImplementedError


def goal_outcome(session, report_filter):
    raise NotImplementedError


def self_efficacy_change(session, report_filter):
    raise NotImplementedError


def general_health_change(session, report_filter):
    raise NotImplementedError


def who5_change(session, report_filter):
    raise NotImplementedError
