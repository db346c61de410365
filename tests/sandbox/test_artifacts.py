"""POST /rest/3/artifacts, POST /rest/3/artifacts/fetch, GET /rest/3/artifacts/{artifactId}."""

from __future__ import annotations

import base64
import hashlib
import socket
import time
from pathlib import Path

from tests.support.api import TIMEOUT, Api, check
from tests.support.artifacts import (
    connect_bytes,
    jar_bytes,
    obr_bytes,
    write_large_jar,
    zip_without_descriptor,
)
from tests.support.fileserver import file_server, refused_url

UPLOAD = "/rest/3/artifacts"
FETCH = "/rest/3/artifacts/fetch"
GET = "/rest/3/artifacts/{artifactId}"


def test_upload_jar_reads_the_descriptor_and_checksums_the_file(api: Api) -> None:
    data = jar_bytes(key="com.example.timesheets", version="2.4.0", name="Timesheets")
    body = check(api.upload_artifact(data, "timesheets-2.4.0.jar"), UPLOAD)
    assert body["fileInfo"] == {
        "logicalFileName": "timesheets-2.4.0.jar",
        "size": len(data),
        "checksum": "sha512:" + hashlib.sha512(data).hexdigest(),
    }
    details = body["details"]
    assert (details["key"], details["version"], details["name"]) == (
        "com.example.timesheets",
        "2.4.0",
        "Timesheets",
    )
    assert details["licensingEnabled"] is True
    assert details["dataCenterCompatible"] is True
    artifact_id = body["_links"]["self"]["href"].rsplit("/", 1)[1]
    assert body["_links"]["self"]["href"] == f"/rest/3/artifacts/{artifact_id}"
    assert body["_links"]["binary"]["href"] == f"/rest/3/artifacts/{artifact_id}/download"
    stored = api.sandbox.state()["artifacts"][artifact_id]
    assert stored["owner"] == "demo@example.com"
    assert (stored["key"], stored["version"], stored["size"]) == (
        "com.example.timesheets",
        "2.4.0",
        len(data),
    )


def test_upload_obr_reads_the_nested_plugin_jar(api: Api) -> None:
    body = check(api.upload_artifact(obr_bytes(version="3.0.0"), "timesheets.obr"), UPLOAD)
    assert (body["details"]["key"], body["details"]["version"]) == (
        "com.example.timesheets",
        "3.0.0",
    )


def test_upload_connect_descriptor(api: Api) -> None:
    body = check(
        api.upload_artifact(connect_bytes(version="1.2.3"), "atlassian-connect.json"), UPLOAD
    )
    assert (body["details"]["key"], body["details"]["version"]) == (
        "com.example.timesheets",
        "1.2.3",
    )


def test_invalid_plugins_are_400_with_a_clear_detail(api: Api) -> None:
    for data, name in (
        (b"hello world", "app.jar"),
        (zip_without_descriptor(), "app.jar"),
        (b"PK\x03\x04broken zip", "app.jar"),
        (b'{"name": "no key"}', "connect.json"),
        (jar_bytes()[:200], "truncated.jar"),
    ):
        response = api.upload_artifact(data, name)
        body = check(response, UPLOAD)
        assert response.status_code == 400, name
        assert "not a valid artifact" in body["errors"][0]["detail"]
    assert api.sandbox.state()["artifacts"] == {}


def test_upload_without_a_file_part_or_multipart_is_400(api: Api) -> None:
    response = api.post(UPLOAD, files={"other": ("x.jar", jar_bytes())})
    assert "file. Required field is missing" in check(response, UPLOAD)["errors"][0]["detail"]
    response = api.post(
        UPLOAD, data=jar_bytes(), headers={"Content-Type": "application/octet-stream"}
    )
    assert response.status_code == 400
    check(response, UPLOAD)


def test_requests_files_and_chunked_bodies_are_accepted(api: Api) -> None:
    assert check(api.post(UPLOAD, files={"file": ("a.jar", jar_bytes())}), UPLOAD)["details"]
    data = jar_bytes()
    boundary = "b0undary"
    payload = (
        f"--{boundary}\r\n".encode()
        + b'Content-Disposition: form-data; name="file"; filename="c.jar"\r\n\r\n'
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    chunks = (payload[i : i + 100] for i in range(0, len(payload), 100))  # generator -> chunked
    response = api.post(
        UPLOAD, data=chunks, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
    )
    assert check(response, UPLOAD)["fileInfo"]["size"] == len(data)


def test_413_above_the_size_limit_and_nothing_is_stored(make_sandbox) -> None:  # type: ignore[no-untyped-def]
    sandbox = make_sandbox(max_artifact_bytes=50_000)
    api = Api(sandbox)
    response = api.upload_artifact(jar_bytes(filler=60_000))
    body = check(response, UPLOAD)
    assert response.status_code == 413
    assert "exceeds the maximum size" in body["errors"][0]["detail"]
    assert sandbox.state()["artifacts"] == {}
    assert sandbox.state()["uploads"][0]["outcome"] == "too-large"
    # The connection is still usable after the discarded body.
    assert check(api.upload_artifact(jar_bytes()), UPLOAD)["details"]


def test_get_artifact(api: Api, artifact: str) -> None:
    body = check(api.get(f"/rest/3/artifacts/{artifact}"), GET)
    assert body["_links"]["self"]["href"] == f"/rest/3/artifacts/{artifact}"
    assert "remote" not in body["_links"]


def test_get_artifact_errors(api: Api, rival: Api, artifact: str) -> None:
    response = api.get("/rest/3/artifacts/not-a-uuid")
    assert response.status_code == 400
    assert (
        check(response, GET)["errors"][0]["detail"]
        == "The provided artifact ID is not a valid UUID format"
    )
    response = api.get("/rest/3/artifacts/337c40d8-c903-4e28-8498-7cbc372ba578")
    assert response.status_code == 404
    assert check(response, GET)["errors"][0]["code"] == "ARTIFACT_NOT_FOUND"
    response = rival.get(f"/rest/3/artifacts/{artifact}")  # another account's artifact
    assert response.status_code == 403
    check(response, GET)


def test_fetch_downloads_from_a_url(api: Api, tmp_path: Path) -> None:
    data = jar_bytes(version="2.5.0")
    (tmp_path / "timesheets-2.5.0.jar").write_bytes(data)
    with file_server(tmp_path) as base:
        uri = f"{base}/timesheets-2.5.0.jar"
        body = check(api.post(FETCH, json={"uri": uri}), FETCH)
    assert body["_links"]["remote"]["href"] == uri
    assert body["fileInfo"]["logicalFileName"] == "timesheets-2.5.0.jar"
    assert body["fileInfo"]["checksum"] == "sha512:" + hashlib.sha512(data).hexdigest()
    assert body["details"]["version"] == "2.5.0"
    artifact_id = body["_links"]["self"]["href"].rsplit("/", 1)[1]
    again = check(api.get(f"/rest/3/artifacts/{artifact_id}"), GET)
    assert again["_links"]["remote"]["href"] == uri
    assert api.sandbox.state()["uploads"][-1]["kind"] == "fetch"


def test_fetch_sends_url_userinfo_as_basic_auth_never_into_the_host_lookup(
    api: Api, tmp_path: Path
) -> None:
    (tmp_path / "timesheets-2.5.0.jar").write_bytes(jar_bytes(version="2.5.0"))
    with file_server(tmp_path, auth=("deploy", "p@ss:word")) as base:
        uri = base.replace("http://", "http://deploy:p%40ss%3Aword@") + "/timesheets-2.5.0.jar"
        body = check(api.post(FETCH, json={"uri": uri}), FETCH)
        bare = api.post(FETCH, json={"uri": f"{base}/timesheets-2.5.0.jar"})
    assert body["details"]["version"] == "2.5.0"
    assert bare.status_code == 400, "the file server does insist on the credentials"


def test_fetch_404_when_the_url_does_not_answer(api: Api, tmp_path: Path) -> None:
    with file_server(tmp_path) as base:
        missing = api.post(FETCH, json={"uri": f"{base}/missing.jar"})
    assert missing.status_code == 404
    check(missing, FETCH)
    refused = api.post(FETCH, json={"uri": refused_url()})
    assert refused.status_code == 404
    assert "did not answer" in check(refused, FETCH)["errors"][0]["detail"]


def test_fetch_400_for_missing_or_non_http_uri(api: Api) -> None:
    for body in (
        {},
        {"uri": ""},
        {"uri": "ftp://example.com/a.jar"},
        {"uri": "file:///etc/passwd"},
        {"url": "https://x"},
    ):
        response = api.post(FETCH, json=body)
        assert response.status_code == 400, body
        assert "Invalid value for uri" in check(response, FETCH)["errors"][0]["detail"]
    response = api.post(FETCH, data=b"not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    check(response, FETCH)
    assert api.sandbox.state()["uploads"] == []


def test_fetch_400_when_the_download_is_not_a_plugin(api: Api, tmp_path: Path) -> None:
    (tmp_path / "readme.jar").write_bytes(b"plain text")
    with file_server(tmp_path) as base:
        response = api.post(FETCH, json={"uri": f"{base}/readme.jar"})
    assert response.status_code == 400
    check(response, FETCH)


def test_fetch_413_when_too_big(make_sandbox, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sandbox = make_sandbox(max_artifact_bytes=100_000)
    write_large_jar(tmp_path / "big.jar", 200_000)
    with file_server(tmp_path) as base:
        response = Api(sandbox).post(FETCH, json={"uri": f"{base}/big.jar"})
    assert response.status_code == 413
    check(response, FETCH)


def test_upload_name_is_the_base_name_only(api: Api) -> None:
    body = check(api.upload_artifact(jar_bytes(), "../../etc/evil.jar"), UPLOAD)
    assert body["fileInfo"]["logicalFileName"] == "evil.jar"


def test_client_disconnect_mid_upload_stores_nothing(api: Api) -> None:
    token = base64.b64encode(":".join(api.sandbox.credentials).encode())
    host, port = api.base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=TIMEOUT) as raw:
        raw.sendall(
            b"POST /rest/3/artifacts HTTP/1.1\r\nHost: x\r\nAuthorization: Basic "
            + token
            + b"\r\nContent-Type: multipart/form-data; boundary=zz\r\n"
            + b"Content-Length: 100000\r\n\r\n"
            + b'--zz\r\nContent-Disposition: form-data; name="file"; filename="a.jar"\r\n\r\n'
            + b"x" * 1000
        )  # and hang up 99 KB early
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        uploads = api.sandbox.state()["uploads"]
        if uploads and uploads[0]["outcome"] != "in-progress":
            break
        time.sleep(0.05)
    assert uploads[0]["outcome"] == "aborted"
    assert api.sandbox.state()["artifacts"] == {}
    assert api.sandbox.journal()[-1]["outcome"] == "client-aborted"
