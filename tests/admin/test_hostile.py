"""Hostile input from a signed-in admin never makes a 500: odd path values in every admin URL,
and odd form values in every action."""

import re
from urllib.parse import quote

import pytest

from tests.admin.conftest import Site

# Lone surrogate, invalid UTF-8, CR LF, very long, beyond an INTEGER, negative, a slash.
PATH_VALUES = ["%ED%A0%80", "%FF", "%0D%0A", "a" * 2_000, "99999999999999999999", "-1", "a%2Fb"]
FIELD_VALUES = ["", " ", "%ED%A0%80", "%FF", "x" * 5_000, "9999-12-31T23:59:59-10:00",
                "0001-01-01", "2099-02-30", "<>&\"'", "%0D%0A"]  # fmt: skip
ARGUMENT = re.compile(r"<(?:[^<>]*:)?(\w+)>")


def admin_rules(app, method: str):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("admin.") and method in (rule.methods or ())
    ]


def real_path(rule, site: Site, **raw: str) -> str:
    params = {
        "username": "writer",
        "slug": site.slug,
        "comment_id": str(site.comment),
        "report_id": str(site.article_report),
        "entry_id": str(site.entry),
        "name": "news",
    }
    values = {name: quote(value, safe="") for name, value in params.items()} | raw
    return ARGUMENT.sub(lambda match: values[match.group(1)], rule.rule)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_odd_path_values(app, pages, site, method):
    pages.login(site.admin)
    token = pages.csrf_token()
    for rule in admin_rules(app, method):
        for argument in rule.arguments:
            for raw in PATH_VALUES:
                url = real_path(rule, site, **{argument: raw})
                if method == "GET":
                    response = pages.get(url)
                else:
                    response = pages.client.post(url, data={"csrf_token": token})
                assert response.status_code < 500, (url, response.status_code)


def test_odd_form_values(app, pages, site):
    pages.login(site.admin)
    token = pages.csrf_token()
    for rule in admin_rules(app, "POST"):
        url = real_path(rule, site)
        if rule.endpoint in ("admin.delete_user", "admin.merge_tag", "admin.rename_tag"):
            fields = ["confirm"] if rule.endpoint == "admin.delete_user" else ["name"]
        else:
            fields = ["reason", "until", "role", "next"]
        for field in fields:
            for value in FIELD_VALUES:
                body = f"csrf_token={token}&{field}={value}"
                response = pages.client.post(
                    url, data=body, content_type="application/x-www-form-urlencoded"
                )
                assert response.status_code < 500, (url, field, value[:40])
