"""The two error envelopes Marketplace v3 uses, and the exception that carries them to the wire.

`ErrorResponse` (app software, artifacts, parent software) has `status` as a string;
`ProductListingValidationErrorList` / `AppSoftwareVersionListingValidationErrorList` (images,
version listings) have it as an integer. Both are `{"errors": [{id, status, code, title, detail}]}`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any


class ApiError(Exception):
    """A finished error reply: status, optional JSON body (None = empty body), extra headers."""

    def __init__(
        self, status: int, body: Any | None = None, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.body = body
        self.headers = dict(headers or {})


def error_entity(status: int, code: str, title: str, detail: str) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "status": str(status),
        "code": code,
        "title": title,
        "detail": detail,
    }


def error_response(status: int, code: str, title: str, detail: str) -> dict[str, Any]:
    """ErrorResponse: `status` is a string."""
    return {"errors": [error_entity(status, code, title, detail)]}


def api_error(
    status: int, code: str, title: str, detail: str, headers: Mapping[str, str] | None = None
) -> ApiError:
    return ApiError(status, error_response(status, code, title, detail), headers)


def validation_error(details: Iterable[str]) -> ApiError:
    """400 VALIDATION_ERROR (app software versions): one ErrorEntity per problem."""
    errors = [error_entity(400, "VALIDATION_ERROR", "Validation failed", d) for d in details]
    return ApiError(400, {"errors": errors})


def listing_validation_error(details: Iterable[str]) -> ApiError:
    """400 VALIDATION_FAIL with an integer status (images and version listings)."""
    errors = [
        {
            "id": str(uuid.uuid4()),
            "status": 400,
            "code": "VALIDATION_FAIL",
            "title": "Request validation failed",
            "detail": detail,
        }
        for detail in details
    ]
    return ApiError(400, {"errors": errors})


def empty(status: int, headers: Mapping[str, str] | None = None) -> ApiError:
    """An error the spec declares without a body (many 401/403/404s)."""
    return ApiError(status, None, headers)


def invalid_parameter(detail: str) -> ApiError:
    return api_error(400, "INVALID_PARAMETER", "Invalid parameter value", detail)
