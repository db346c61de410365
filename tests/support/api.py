"""Plain-`requests` access to a sandbox for tests (deliberately not the publisher's client)."""

from __future__ import annotations

import io
from typing import Any

import requests
from requests_toolbelt import MultipartEncoder

from publisher.sandbox import Sandbox
from tests.support.openapi import validate_response

TIMEOUT = 15
AGREEMENT = "https://www.atlassian.com/licensing/marketplace/partneragreement"


def body_of(response: requests.Response) -> Any:
    """The parsed JSON body, or None when the body is empty."""
    return response.json() if response.content else None


def check(response: requests.Response, path_template: str) -> Any:
    """Validate the response against the spec; returns the parsed body."""
    body = body_of(response)
    method = response.request.method or "GET"
    validate_response(method, path_template, response.status_code, body, response.headers)
    return body


class Api:
    def __init__(self, sandbox: Sandbox, credentials: tuple[str, str] | None = None) -> None:
        self.sandbox = sandbox
        self.base = sandbox.url
        self.session = requests.Session()
        self.session.auth = credentials or sandbox.credentials

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", TIMEOUT)
        return self.session.request(method, self.base + path, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PUT", path, **kwargs)

    def upload(self, path: str, data: bytes, name: str, **kwargs: Any) -> requests.Response:
        encoder = MultipartEncoder(
            fields={"file": (name, io.BytesIO(data), "application/octet-stream")}
        )
        headers = {"Content-Type": encoder.content_type}
        return self.post(path, data=encoder, headers=headers, **kwargs)

    def upload_artifact(self, data: bytes, name: str = "app.jar") -> requests.Response:
        return self.upload("/rest/3/artifacts", data, name)

    def artifact_id(self, data: bytes, name: str = "app.jar") -> str:
        response = self.upload_artifact(data, name)
        assert response.status_code == 200, response.text
        return str(response.json()["_links"]["self"]["href"].rsplit("/", 1)[1])

    def image_id(self, data: bytes, image_type: str = "screenshot", name: str = "s.png") -> str:
        response = self.upload(f"/rest/3/assets/images/{image_type}", data, name)
        assert response.status_code == 200, response.text
        return str(response.json()["id"])

    def app_software_id(self, app_key: str, hosting: str) -> str:
        response = self.get(f"/rest/3/app-software/app-key/{app_key}", params={"hosting": hosting})
        assert response.status_code == 200, response.text
        return str(response.json()[0]["appSoftwareId"])

    def parent_id(self, name: str) -> str:
        response = self.get("/rest/3/parent-software", params={"limit": 50})
        for product in response.json()["parentSoftware"]:
            if product["name"] == name:
                return str(product["id"])
        raise KeyError(name)

    def build_of(self, parent_id: str, version: str) -> int:
        response = self.get(f"/rest/3/parent-software/{parent_id}/versions/number/{version}")
        assert response.status_code == 200, response.text
        return int(response.json()["buildNumber"])

    def version_body(
        self, artifact_id: str, build: int = 2004000, **overrides: Any
    ) -> dict[str, Any]:
        """A valid AppSoftwareVersionCreateRequest: a DC plugin for Jira 9.12.0-10.3.0."""
        jira = self.parent_id("Jira")
        body: dict[str, Any] = {
            "buildNumber": build,
            "versionNumber": "2.4.0",
            "compatibilities": [
                {
                    "parentSoftwareId": jira,
                    "minBuildNumber": self.build_of(jira, "9.12.0"),
                    "maxBuildNumber": self.build_of(jira, "10.3.0"),
                }
            ],
            "supportedPaymentModel": "free",
            "frameworkDetails": {
                "frameworkId": "plugin",
                "attributes": {"artifactId": artifact_id, "pluginFrameworkType": "P2"},
            },
            "licenseType": {"id": "commercial"},
            "supported": True,
            "beta": False,
            "acceptedAgreements": [{"agreementUrl": AGREEMENT}],
            "changelog": {"releaseSummary": "Faster export", "releaseNotes": "<p>Notes</p>"},
        }
        body.update(overrides)
        return body
