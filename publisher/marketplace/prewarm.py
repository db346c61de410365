"""Connections opened ahead of need, while the first requests are on their way.

Over a real network every new connection costs a handshake round trip before its first request
(TCP's; TLS adds one more), and a publish sends up to `concurrency.LIMIT` requests side by side
from its second round on (the product versions beside the version read, the images beside the
artifact). Opened on demand, each such round would first wait for the handshakes of the
connections it lacks; opened here, during the first round, they cost no round trip of their own.

Nothing is sent on these connections until a real request uses them: no credentials, no data.
A connection that cannot be opened is left for the request that needs it to fail in its own
words (and under the retry policy); this module never reports an error.

TLS 1.3 servers send session tickets just after the handshake. On a connection that has not yet
carried a request nobody reads them, so the idle socket looks readable, and urllib3 (which takes
a readable idle socket for one the server closed) would throw every prewarmed connection away
and open a new one. `idle_tls_open` tells the two apart; transfer.py's TLS connection
class uses it.

urllib3 has no public call to open connections into a pool, so this uses the pool's own
`_get_conn` / `_put_conn` pair (the calls every urllib3 request makes): take `count` connections
out (idle open ones first, then new unopened ones), open those not open yet, side by side, and
put them all back. Through a proxy nothing is opened: urllib3 sets each tunnel up per request.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from requests.utils import select_proxy
from urllib3.connectionpool import HTTPConnectionPool
from urllib3.util.wait import wait_for_read

from publisher.concurrency import LIMIT, helper_thread

# How many a publish opens before its first request: its widest round is the images side by
# side (at most LIMIT) with the artifact upload beside them.
PUBLISH_CONNECTIONS = LIMIT + 1


def prewarm(
    session: requests.Session, url: str, count: int, timeout: float
) -> threading.Thread | None:
    """Start opening `count` connections to `url`'s origin on a helper thread (returned, so a
    caller may wait for it); None when there is nothing this module can open."""
    pool = _pool_for(session, url)
    if pool is None or count < 1:
        return None
    return helper_thread(_open, args=(pool, count, timeout), name="mpac-prewarm")


def _pool_for(session: requests.Session, url: str) -> HTTPConnectionPool | None:
    """The pool requests would use for `url`, with the session's TLS settings; None through a
    proxy or a foreign adapter."""
    try:
        adapter = session.get_adapter(url)
        if not isinstance(adapter, HTTPAdapter):
            return None
        settings = session.merge_environment_settings(url, {}, None, None, None)
        if select_proxy(url, settings["proxies"]):
            return None
        request = requests.Request("GET", url).prepare()
        pool = adapter.get_connection_with_tls_context(
            request, settings["verify"], settings["proxies"], settings["cert"]
        )
        return pool if isinstance(pool, HTTPConnectionPool) else None
    except Exception:  # an unusable URL or TLS setting: the first request will say so
        return None


def _open(pool: HTTPConnectionPool, count: int, timeout: float) -> None:
    taken: list[Any] = []
    with contextlib.suppress(Exception):  # the pool was closed (the run ended first)
        for _ in range(count):
            taken.append(pool._get_conn(timeout=0))
    closed = [conn for conn in taken if conn.is_closed]
    # Started from the prewarm helper, so they inherit its mask: no signal lands on them.
    openers = [threading.Thread(target=_connect, args=(conn, timeout)) for conn in closed[1:]]
    for opener in openers:
        opener.start()
    if closed:
        _connect(closed[0], timeout)
    for opener in openers:
        opener.join()
    for conn in taken:
        pool._put_conn(conn)  # a closed pool closes it


def _connect(conn: Any, timeout: float) -> None:
    conn.timeout = timeout
    with contextlib.suppress(Exception):  # the request that needs it reports the failure
        conn.connect()


def idle_tls_open(sock: socket.socket) -> bool:
    """Whether an idle TLS connection is still usable: nothing to read, or only TLS records that
    carry no data (session tickets, read and kept by the ssl module). Data the server sent
    unasked, or its close, make the connection unusable: False, and urllib3 opens another."""
    if not wait_for_read(sock, timeout=0.0):
        return True
    if not isinstance(sock, ssl.SSLSocket):
        return False
    previous = sock.gettimeout()
    try:
        sock.settimeout(0.0)
        for _ in range(8):  # one record per read; servers send one or two tickets
            try:
                sock.recv(1)  # data or b"" (closed): not a connection to send a request on
                return False
            except ssl.SSLWantReadError:  # a record without data was read
                if not wait_for_read(sock, timeout=0.0):
                    return True
        return False  # record after record and no data: not a connection to trust
    except OSError:
        return False
    finally:
        with contextlib.suppress(OSError):
            sock.settimeout(previous)
