"""htmx conventions: fragment or page, Vary, and expired logins on htmx requests."""

import pytest

from tests.conftest import act_as

HTMX = {"HX-Request": "true", "HX-Target": "people-results"}


@pytest.fixture
def admin_client(client, world):
    act_as(client, world.people["site-admin"], world.grants["site-admin"])
    return client


@pytest.mark.parametrize(
    "headers, whole_page",
    [
        ({}, True),  # plain request, also with JavaScript off
        (HTMX, False),  # targeted htmx request: only the results fragment
        ({**HTMX, "HX-Boosted": "true"}, True),  # hx-boost swaps the whole body
        ({**HTMX, "HX-History-Restore-Request": "true"}, True),  # back button after a cache miss
    ],
    ids=["plain", "htmx", "boosted", "history-restore"],
)
def test_fragment_only_for_plain_htmx_requests(admin_client, headers, whole_page):
    response = admin_client.get("/admin/people?q=train", headers=headers)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert ("<html" in page) is whole_page
    assert ("<h1>People</h1>" in page) is whole_page
    assert 'id="people-results"' in page
    assert "Trainer" in page and "Champion" not in page.split('id="people-results"')[1]
    assert "HX-Request" in response.headers.getlist("Vary")[0] or "HX-Request" in response.headers["Vary"]


def test_every_answer_varies_on_hx_request(client, world):
    for path in ["/login", "/offline", "/nope", "/manifest.webmanifest"]:
        assert "HX-Request" in client.get(path).headers["Vary"]


def test_expired_login_on_htmx_request_gets_401_and_hx_redirect(client, world):
    response = client.get("/admin/people?q=x", headers=HTMX)
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/login?next=/admin/people?q%3Dx"
    assert "<html" not in response.get_data(as_text=True)


def test_expired_login_on_plain_request_redirects_to_login(client, world):
    response = client.get("/admin/people")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/admin/people"


def test_expired_login_on_htmx_post_gets_401_not_a_csrf_error(client, world):
    response = client.post("/account/role", data={"grant_id": 1}, headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login")


def test_body_is_boosted_and_carries_the_csrf_header(admin_client):
    page = admin_client.get("/admin/people").get_data(as_text=True)
    assert '<body hx-boost="true" hx-headers=\'{"X-CSRFToken": "' in page
    # htmx must not inject inline styles (CSP) nor keep page snapshots with personal data.
    assert '"includeIndicatorStyles": false' in page and '"historyCacheSize": 0' in page
