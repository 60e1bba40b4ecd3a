from tests.browser.test_reports import *  # noqa
def test_dbg(live_server, page, world, last_year, app):
    log_in_by_cookie(page, app, live_server.url, world.people["manager"])
    page.goto(live_server.url + "/reports/gender?period=last_year")
    print(page.locator(".report-actions").aria_snapshot())
    print(page.locator(".report-actions").inner_html())
