"""Addresses for people: the app's page on the Marketplace website (not the REST API)."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from publisher.marketplace.connection import DEFAULT_API_URL

WEBSITE = "https://marketplace.atlassian.com"


def marketplace_page(app_key: str, hosting: str) -> str:
    """The app's versions tab, by app key.

    A guess, unverifiable offline: the website's own addresses are /apps/<numeric id>/<slug>, and
    neither is returned by the v3 API this tool uses; /plugins/<app key> is the long-standing
    address that Marketplace redirects to that page, and `hosting`/`tab` are its query parameters.
    """
    query = urlencode({"hosting": hosting, "tab": "versions"})
    return f"{WEBSITE}/plugins/{quote(app_key, safe='.-_')}?{query}"


def is_real_marketplace(version_api_url: str) -> bool:
    """A sandbox or another API root has no page on the website."""
    return version_api_url.startswith(DEFAULT_API_URL + "/")
