"""Auth on every call, v2's 410, unknown paths and wrong methods."""

from __future__ import annotations

import pytest
import requests

from publisher.sandbox import Sandbox
from tests.support.api import TIMEOUT, Api, check
from tests.support.openapi import validate_schema

GUARDED = [
    ("GET", "/rest/3/parent-software"),
    ("GET", "/rest/3/artifacts/337c40d8-c903-4e28-8498-7cbc372ba578"),
    ("POST", "/rest/3/artifacts"),
    ("POST", "/rest/3/artifacts/fetch"),
    ("POST", "/rest/3/assets/images/icon"),
    ("POST", "/rest/3/app-software/x/versions"),
    ("PUT", "/rest/3/app-software/x/versions/1"),
    ("GET", "/rest/3/app-software/x/versions/1/listing"),
]


@pytest.mark.parametrize(("method", "path"), GUARDED)
@pytest.mark.parametrize(
    "auth",
    [None, ("demo@example.com", "wrong-token"), ("nobody@example.com", "sandbox-demo-token")],
)
def test_401_with_empty_body_without_valid_credentials(
    sandbox: Sandbox, method: str, path: str, auth: tuple[str, str] | None
) -> None:
    response = requests.request(method, sandbox.url + path, auth=auth, timeout=TIMEOUT)
    assert response.status_code == 401
    assert response.content == b""


@pytest.mark.parametrize(
    ("path", "template"),
    [
        (
            "/rest/3/app-software/app-key/com.example.timesheets",
            "/rest/3/app-software/app-key/{appKey}",
        ),
        ("/rest/3/app-software/x/versions", "/rest/3/app-software/{appSoftwareId}/versions"),
    ],
)
def test_401_carries_an_error_response_where_the_spec_declares_one(
    sandbox: Sandbox, path: str, template: str
) -> None:
    response = requests.get(sandbox.url + path, timeout=TIMEOUT)
    body = check(response, template)
    assert body["errors"][0]["code"] == "UNAUTHORIZED"


def test_malformed_authorization_headers_are_401(sandbox: Sandbox) -> None:
    for header in ("Bearer abc", "Basic !!!", "Basic " + "bm9jb2xvbg=="):  # "nocolon"
        response = requests.get(
            sandbox.url + "/rest/3/parent-software",
            headers={"Authorization": header},
            timeout=TIMEOUT,
        )
        assert response.status_code == 401


def test_v2_is_gone(api: Api) -> None:
    for method, path in (
        ("GET", "/rest/2/addons/com.example.timesheets"),
        ("POST", "/rest/2/assets/artifact"),
    ):
        response = api.request(method, path)
        assert response.status_code == 410
        validate_schema("ErrorResponse", response.json())
        assert response.json()["errors"][0]["code"] == "API_DEPRECATED"


def test_unknown_path_is_404(api: Api) -> None:
    response = api.get("/rest/3/no-such-thing")
    assert response.status_code == 404
    validate_schema("ErrorResponse", response.json())


def test_wrong_method_is_405_with_allow(api: Api) -> None:
    response = api.request("DELETE", "/rest/3/parent-software")
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET"
    validate_schema("ErrorResponse", response.json())
    response = api.request("PATCH", "/rest/3/app-software/x/versions/1")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "PUT"}


def test_keep_alive_survives_errors_with_unread_bodies(api: Api) -> None:
    # A 401 or 405 must not leave the body in the socket for the next request to trip over.
    for _ in range(3):
        response = requests.post(
            api.base + "/rest/3/app-software/x/versions", data=b"x" * 100_000, timeout=TIMEOUT
        )
        assert response.status_code == 401
        assert (
            api.request("PATCH", "/rest/3/parent-software", data=b"y" * 50_000).status_code == 405
        )
        assert api.get("/rest/3/parent-software").status_code == 200


def test_sandbox_refuses_non_loopback_hosts() -> None:
    with pytest.raises(ValueError, match="loopback"):
        Sandbox(host="0.0.0.0")


def test_stopping_closes_keep_alive_connections() -> None:
    sandbox = Sandbox().start()
    api = Api(sandbox)
    assert api.get("/rest/3/parent-software").status_code == 200  # leaves a pooled connection
    sandbox.stop()
    with pytest.raises(requests.ConnectionError):
        api.get("/rest/3/parent-software", timeout=2)
