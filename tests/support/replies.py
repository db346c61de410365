"""Answers for the small stand-in servers tests write with http.server."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler


def reply_json(handler: BaseHTTPRequestHandler, status: int, body: bytes) -> None:
    """A complete JSON answer with its length (so a keep-alive connection stays usable)."""
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)
