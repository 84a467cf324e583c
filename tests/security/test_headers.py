"""F7: security headers on every response; no inline script or style in any template."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2] / "src" / "doudi"


def _csp(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {
        part.split()[0]: " ".join(part.split()[1:]) for part in header.split(";") if part.strip()
    }


@pytest.mark.parametrize("url", ["/accounts/login/", "/", "/households/", "/api/v1/me/"])
def test_every_page_has_the_security_headers(households, clients, url):
    client = Client() if url == "/accounts/login/" else clients["alice"]
    response = client.get(url)
    assert response.status_code == 200
    csp = _csp(response)
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert csp["style-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert csp["base-uri"] == "'none'"
    assert csp["form-action"] == "'self'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_anonymous_pages_and_exports_are_not_stored(households, clients):
    assert Client().get("/accounts/login/").headers["Cache-Control"] == "no-store"
    export = clients["alice"].get("/households/export.csv")
    assert export.headers["Cache-Control"] == "no-store"
    token_api = clients["alice"].get(
        f"/api/v1/households/{households['A1'].pk}/", HTTP_ACCEPT="application/json"
    )
    assert token_api.headers["Cache-Control"] == "no-store"


def test_static_files_may_be_cached(db):
    response = Client().get("/static/doudi/doudi.js")
    assert response.status_code == 200
    assert response.headers.get("Cache-Control", "") != "no-store"


def test_no_hsts_over_plain_http_in_tests(db):
    assert "Strict-Transport-Security" not in Client().get("/accounts/login/").headers


def test_hsts_on_https(db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = Client().get("/accounts/login/", secure=True)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_no_inline_script_style_or_handlers_in_templates():
    offenders = []
    for template in sorted(SRC.rglob("templates/**/*.html")):
        text = template.read_text(encoding="utf-8")
        name = str(template.relative_to(SRC))
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag:
                offenders.append(f"{name}: inline <script>")
        if re.search(r"<style\b", text):
            offenders.append(f"{name}: inline <style>")
        if re.search(r"\son[a-z]+\s*=", text):
            offenders.append(f"{name}: on* handler")
        if re.search(r'\sstyle\s*=\s*"', text):
            offenders.append(f"{name}: style attribute")
        if re.search(r"\shx-on[:-]|javascript:", text):
            offenders.append(f"{name}: hx-on / javascript: URL")
    for module in sorted(SRC.rglob("*.py")):
        if "engine" in module.parts:
            continue
        if re.search(r"""style=\\?["']""", module.read_text(encoding="utf-8")):
            offenders.append(f"{module.relative_to(SRC)}: style attribute in generated HTML")
    assert offenders == []


def test_proxy_ssl_header_is_configurable():
    from doudi.settings.env import ImproperlyConfiguredEnv, proxy_ssl_header

    assert proxy_ssl_header("X-Forwarded-Proto=https") == ("HTTP_X_FORWARDED_PROTO", "https")
    assert proxy_ssl_header("") is None
    with pytest.raises(ImproperlyConfiguredEnv, match="must be Header-Name=value"):
        proxy_ssl_header("X-Forwarded-Proto")


def test_behind_a_proxy_the_forwarded_scheme_counts(db, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 600
    response = Client().get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    assert response.headers["Strict-Transport-Security"] == "max-age=600"
