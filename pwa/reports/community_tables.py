"""Community tables: events, people reached and signposts, by activity date. Champions may see
these (counts only)."""


def activities_by_type(session, report_filter):
    raise NotImplementedError


def people_reached(session, report_filter):
    raise NotImplementedError


def reach_by_venue_quintile(session, report_filter):
    raise NotImplementedError


def signposts_by_destination(session, report_filter):
    raise NotImplementedError


def follow_up_results(session, report_filter):
    raise NotImplementedError
