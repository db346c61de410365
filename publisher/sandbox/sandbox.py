"""The Python handle (Sandbox) and the foreground runner (serve) for `mpac-publisher sandbox`."""

from __future__ import annotations

import ipaddress
import shutil
import sys
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO

from publisher.sandbox.calllog import Journal
from publisher.sandbox.catalogue import Catalogue
from publisher.sandbox.context import Context
from publisher.sandbox.faults import Fault, FaultBook
from publisher.sandbox.routes import MarketplaceApp
from publisher.sandbox.seed import Seed, load_seed
from publisher.sandbox.server import SandboxHTTPServer
from publisher.sandbox.settings import SandboxSettings
from publisher.sandbox.state import Store

SeedSource = str | Path | Mapping[str, Any] | Seed | None


def _check_loopback(host: str) -> None:
    if host == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        # The control API has no authentication: it must not be reachable from other machines.
        raise ValueError(f"the sandbox binds to loopback addresses only, not {host!r}")


class Sandbox:
    """A local Marketplace on 127.0.0.1, served from a background thread.

    with Sandbox(settings=SandboxSettings(upload_spacing=0.2)) as sb:
        requests.get(sb.url + "/rest/3/parent-software", auth=sb.credentials)
    """

    def __init__(
        self,
        settings: SandboxSettings | None = None,
        seed: SeedSource = None,
        port: int = 0,
        host: str = "127.0.0.1",
    ) -> None:
        _check_loopback(host)
        self.settings = settings or SandboxSettings()
        self._seed = seed if isinstance(seed, Seed) else load_seed(seed)
        self._workdir = Path(tempfile.mkdtemp(prefix="mpac-sandbox-"))
        self._ctx = Context(
            settings=self.settings,
            store=Store(self._seed, self.settings),
            catalogue=Catalogue.bundled().with_products(self._seed.products),
            faults=FaultBook(),
            journal=Journal(),
            workdir=self._workdir,
        )
        try:
            self._server = SandboxHTTPServer((host, port), MarketplaceApp(self._ctx))
        except BaseException:
            shutil.rmtree(self._workdir, ignore_errors=True)
            raise
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------------------

    def start(self) -> Sandbox:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.1},
                name=f"mpac-sandbox-{self.port}",
                daemon=True,
            )
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve on the calling thread until stop() or KeyboardInterrupt."""
        self._server.serve_forever(poll_interval=0.2)

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()
        self._server.close_connections()
        shutil.rmtree(self._workdir, ignore_errors=True)

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- what tests and rehearsals use ------------------------------------------------------------

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """The API root, e.g. http://127.0.0.1:8123; clients append /rest/3/..."""
        return self._server.base_url

    @property
    def credentials(self) -> tuple[str, str]:
        """(email, token) of the seed's first account."""
        account = self._seed.accounts[0]
        return account.email, account.token

    def account_credentials(self, email: str) -> tuple[str, str]:
        for account in self._seed.accounts:
            if account.email.lower() == email.lower():
                return account.email, account.token
        raise KeyError(email)

    def add_fault(self, fault: Fault) -> None:
        self._ctx.faults.add(fault)

    def clear_faults(self) -> None:
        self._ctx.faults.clear()

    def faults(self) -> list[dict[str, Any]]:
        return self._ctx.faults.pending()

    def journal(self) -> list[dict[str, Any]]:
        return self._ctx.journal.entries()

    def clear_journal(self) -> None:
        self._ctx.journal.clear()

    def state(self) -> dict[str, Any]:
        return self._ctx.store.snapshot()

    def add_parent_version(
        self, product_id: str, build: int, number: str, hosting: list[str] | None = None
    ) -> dict[str, Any]:
        """A host product release appearing now (as POST /_sandbox/parent-software/.../versions)."""
        body: dict[str, Any] = {"buildNumber": build, "versionNumber": number}
        if hosting is not None:
            body["hosting"] = hosting
        return self._ctx.catalogue.add_version(product_id, body)

    def developer_ids(self, email: str | None = None) -> tuple[str, int]:
        """(developerId, vendorId) of an account (default: the first)."""
        account = self._seed.accounts[0]
        if email is not None:
            account = next(a for a in self._seed.accounts if a.email.lower() == email.lower())
        return account.developer_id, account.vendor_id


def serve(
    port: int = 0,
    seed: SeedSource = None,
    host: str = "127.0.0.1",
    settings: SandboxSettings | None = None,
    out: TextIO | None = None,
) -> int:
    """Run a sandbox in the foreground until Ctrl-C; prints the API root and demo credentials."""
    out = out or sys.stdout
    sandbox = Sandbox(settings=settings, seed=seed, port=port, host=host)
    email, token = sandbox.credentials
    control = (
        f"{sandbox.url}/_sandbox/ (journal, state, faults; no auth)"
        if sandbox.settings.control_api
        else "off"
    )
    try:
        out.write(
            f"Marketplace sandbox listening on {sandbox.url}\n"
            f"  API root:     {sandbox.url}  (v3 under /rest/3)\n"
            f"  credentials:  {email} / {token}  (sandbox-only)\n"
            f"  control API:  {control}\n"
            f"Point mpac-publisher at it (copy and paste):\n"
            f"  export MPAC_API_URL={sandbox.url} MPAC_USER={email} MPAC_TOKEN={token}\n"
            "Press Ctrl-C to stop.\n"
        )
        out.flush()
        sandbox.serve_forever()
    except KeyboardInterrupt:
        out.write("sandbox stopped\n")
        out.flush()
    finally:
        sandbox.stop()
    return 0
