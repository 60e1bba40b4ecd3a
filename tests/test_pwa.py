"""The PWA shell: manifest, service worker, offline page, and security headers."""

import json
import re


def test_manifest_has_what_installing_needs(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.get_data(as_text=True))
    for key in ["name", "short_name", "id", "start_url", "scope", "theme_color", "background_color"]:
        assert manifest[key], key
    assert manifest["display"] == "standalone"
    assert manifest["lang"] == "en-GB"
    assert manifest["scope"] == "/" and manifest["start_url"].startswith("/")
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200 and image.mimetype == icon["type"]
        if icon["type"] == "image/png":
            width, height = int.from_bytes(image.data[16:20], "big"), int.from_bytes(image.data[20:24], "big")
            assert f"{width}x{height}" == icon["sizes"]


def test_service_worker_is_served_fresh_at_root_scope(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Service-Worker-Allowed"] == "/"
    source = response.get_data(as_text=True)
    assert "__VERSION__" not in source and "__SHELL_URLS__" not in source
    assert re.search(r'const VERSION = "0\.1\.0-[0-9a-f]{10}";', source)


def test_service_worker_precaches_the_shell_and_no_personal_pages(client):
    source = client.get("/sw.js").get_data(as_text=True)
    urls = json.loads(re.search(r"const SHELL_URLS = (\[.*?\]);", source).group(1))
    assert "/offline" in urls
    assert any(url.startswith("/static/vendor/htmx/htmx.min.js?v=") for url in urls)
    assert all(url == "/offline" or url.startswith("/static/") for url in urls)
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_service_worker_version_changes_when_the_shell_changes(app):
    from pwa.shell import worker_version

    with app.test_request_context():
        assert worker_version(["/a"]) != worker_version(["/b"])


def test_offline_page_holds_no_personal_data(client, world):
    from tests.conftest import act_as

    act_as(client, world.people["client"], world.grants["client"])
    page = client.get("/offline").get_data(as_text=True)
    assert "You are offline" in page
    assert "Client" not in page and "Log out" not in page and "csrf" not in page.lower()


def test_pages_link_the_manifest_and_scripts_without_inline_code(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert re.search(r'<script src="/static/vendor/htmx/htmx\.min\.js\?v=\w+" defer></script>', page)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), "inline script found"
    assert not re.search(r"\son[a-z]+=", page), "inline event handler found"
    assert "hx-on" not in page


def test_htmx_is_vendored_with_licence_and_version():
    from pathlib import Path

    vendor = Path(__file__).resolve().parent.parent / "static" / "vendor" / "htmx"
    assert (vendor / "LICENSE").read_text().startswith("Zero-Clause BSD")
    assert "htmx 2." in (vendor / "VERSION").read_text()
    assert 'version:"2.' in (vendor / "htmx.min.js").read_text().replace(" ", "")


def test_security_headers_on_every_page(client):
    for path in ["/login", "/offline", "/nope", "/sw.js"]:
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers  # plain http here


def test_hsts_when_served_over_https(client):
    headers = client.get("/login", base_url="https://health.example.org").headers
    assert headers["Strict-Transport-Security"].startswith("max-age=")


def test_pages_with_personal_data_are_never_stored(client, world):
    from tests.conftest import act_as

    act_as(client, world.people["trainer"], world.grants["trainer"])
    assert client.get("/caseload").headers["Cache-Control"] == "no-store"
    assert client.get(f"/clients/{world.clients['own'].id}").headers["Cache-Control"] == "no-store"


def test_friendly_error_pages_without_stack_traces(app, client):
    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("secret internal detail")

    response = client.get("/boom-for-test")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Sorry, something went wrong on our side" in page
    assert "secret internal detail" not in page and "Traceback" not in page
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "We cannot find that page" in response.get_data(as_text=True)
    response = client.post("/login", data={"login": "x"})
    assert response.status_code == 400 and "<h1>" in response.get_data(as_text=True)


def test_versioned_static_files_are_cached_for_a_year(client):
    from flask import url_for

    with client.application.test_request_context():
        from pwa.templating import static_url

        versioned, plain = static_url("css/app.css"), url_for("static", filename="css/app.css")
    assert "immutable" in client.get(versioned).headers["Cache-Control"]
    assert "immutable" not in client.get(plain).headers.get("Cache-Control", "")
