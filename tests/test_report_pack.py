"""The report pack (every table, key figures and completeness at once, its aggregate passes run
on two connections together) gives exactly what each report gives on its own."""

from datetime import date

from sqlalchemy import event

from pwa.demo_reports import load_demo_history
from pwa.reports.comparators import load_comparison
from pwa.reports.completeness import completeness
from pwa.reports.filters import ReportFilter
from pwa.reports.key_figures import key_figures
from pwa.reports.pack import PACK_PASSES, build_pack
from pwa.reports.passes import once, prefetch, shared_passes
from pwa.reports.tables import TABLES, build_table


def test_the_pack_matches_each_report_built_alone(db_session, world):
    load_demo_history(db_session, world.north)  # about 160 made-up clients with plans, scores and signposts
    db_session.commit()  # the pack's passes read on their own connections
    for report_filter in (
        ReportFilter(service_id=world.north.id),
        ReportFilter(service_id=world.north.id, date_from=date(2025, 10, 1), date_to=date(2026, 9, 30), suppress=True),
    ):
        pack = build_pack(db_session, report_filter)
        comparison = load_comparison(db_session, report_filter.comparator, world.north.id)
        assert sum(table.total.count for table in pack.tables.values()) > 0
        for name in TABLES:
            assert pack.tables[name] == build_table(db_session, name, report_filter, comparison), name
        assert [(f.code, f.value) for f in pack.figures] == [
            (f.code, f.value) for f in key_figures(db_session, report_filter)
        ]
        assert pack.completeness == completeness(db_session, report_filter)


def test_prefetch_fills_the_shared_passes_once(db_session, world):
    load_demo_history(db_session, world.north)
    db_session.commit()
    report_filter = ReportFilter(service_id=world.north.id)
    statements = []
    engine = db_session.get_bind()
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    with shared_passes():
        prefetch(db_session, report_filter, PACK_PASSES)
        event.listen(engine, "before_cursor_execute", listener)
        try:
            # Every pass is now cached: asking again runs no query.
            results = [compute_pass(db_session, report_filter) for compute_pass in PACK_PASSES]
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        assert statements == []
        assert all(results)
        assert once(("never computed",), lambda: "fresh") == "fresh"
    # Outside shared_passes() nothing is kept.
    assert once(("never computed",), lambda: "again") == "again"


def test_prefetch_does_nothing_outside_shared_passes(db_session, world):
    calls = []
    prefetch(db_session, ReportFilter(service_id=world.north.id), [lambda s, f: calls.append(1)] * 2)
    assert calls == []
