from tests.conftest import log_in
from tests.world import PASSWORD


def test_each_role_lands_on_its_home_page(client, world):
    homes = {"client": "/today", "champion": "/activities", "trainee": "/caseload", "trainer": "/caseload",
             "manager": "/overview", "service-admin": "/admin/people", "site-admin": "/admin/people"}
    for username, home in homes.items():
        response = log_in(client, username, PASSWORD)
        assert response.status_code == 302
        assert response.headers["Location"] == "/"
        assert client.get("/").headers["Location"] == home
        assert client.get(home).status_code == 200
        client.post("/logout", data={"csrf_token": __import__("tests.conftest", fromlist=["csrf_token"]).csrf_token(client, "/account/")})
