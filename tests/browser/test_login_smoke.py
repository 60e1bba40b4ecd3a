from tests.world import PASSWORD


def test_trainer_logs_in_on_a_phone(live_server, page, world):
    page.goto(live_server.url + "/login")
    page.get_by_label("Username or email").fill("trainer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/caseload")
    assert page.get_by_role("heading", level=1).inner_text() == "My caseload"
