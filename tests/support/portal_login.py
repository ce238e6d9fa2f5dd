"""Log in to the portal's pages in tests: the form's CSRF token and a logged-in httpx client."""

from __future__ import annotations

import re


def token(html: str) -> str:
    """The CSRF token of the first form of a page."""
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(server, user: str, password: str, **kwargs):
    """A client of the live ``server`` that posted the log-in form, and the answer to that post."""
    client = server.client(**kwargs)
    page = client.get("/masuk")
    r = client.post("/masuk", data={"username": user, "password": password, "csrf_token": token(page.text)})
    return client, r
