"""Pytest plugin that runs real Redis and PostgreSQL servers on loopback.

Load it with ``pytest_plugins = ["tests.services"]`` (or ``-p tests.services``).

Fixtures (session scoped):

* ``redis_server``    -> :class:`RedisServer` (``.url``, ``.port``, ``.stop()``, ``.start()``)
* ``postgres_server`` -> :class:`PostgresServer` (``.url``, ``.port``,
  ``.create_database(name) -> url``)

If a server binary is missing the fixture skips, unless ``REQUIRE_SERVICES=1``
is set, in which case it fails (so CI cannot silently skip the tests).
A server that is present but fails to start always fails, with the tail of its
log in the error message.

When running as root, ``initdb``/``postgres`` (which refuse to run as root) are
run as the ``postgres`` system user (falling back to ``nobody``).
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import glob
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence

import pytest

__all__ = [
    "free_port",
    "RedisServer",
    "PostgresServer",
    "ServiceError",
    "redis_server",
    "postgres_server",
]

HOST = "127.0.0.1"
STARTUP_TIMEOUT = 10.0  # seconds to wait for a server to accept connections
STOP_TIMEOUT = 10.0  # seconds to wait for a graceful stop before escalating
START_ATTEMPTS = 3  # retries with a new port if the chosen one got taken
PG_USER = "survey"


class ServiceError(RuntimeError):
    """A server could not be started."""


# --------------------------------------------------------------------------- #
# helpers
# --------------------------------------------------------------------------- #


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is currently free."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _services_required() -> bool:
    return os.environ.get("REQUIRE_SERVICES", "").strip().lower() in {"1", "true", "yes", "on"}


def _not_in_the_fast_run(request: pytest.FixtureRequest, service: str) -> None:
    """The fast run (--fast, `make test-fast`) starts no servers: a test that asks for one should
    have been marked `services`."""
    if request.config.getoption("fast", default=False):
        pytest.fail(
            f"{service} was asked for in the fast run (SURVEY_TEST_FAST=1): mark the test "
            '`services` or give it the "postgresql" parameter',
            pytrace=False,
        )


def unavailable(reason: str) -> None:
    """Skip (or fail, under REQUIRE_SERVICES=1) because a service or the browser is unavailable."""
    if _services_required():
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1 is set)", pytrace=False)
    pytest.skip(reason)


def _log_tail(path: str, lines: int = 40) -> str:
    try:
        with open(path, "rb") as fh:
            data = fh.read()[-16384:]
    except OSError as exc:
        return f"<could not read log {path}: {exc}>"
    text = data.decode("utf-8", "replace").splitlines()[-lines:]
    return "\n".join(text) if text else "<log is empty>"


def _parent_death_signal(sig: int) -> Callable[[], None]:
    """preexec_fn making the child receive ``sig`` if the test process dies.

    This keeps a SIGKILLed / crashed pytest run from leaving servers behind.
    It runs after Popen(user=...) has switched uid, which matters because a
    credential change clears the parent-death signal.
    """

    def _preexec() -> None:
        # Best effort: prctl exists only on Linux; elsewhere the atexit clean-up still runs.
        with contextlib.suppress(Exception):
            libc = ctypes.CDLL(None, use_errno=True)
            pr_set_pdeathsig = 1
            libc.prctl(pr_set_pdeathsig, int(sig), 0, 0, 0)

    return _preexec


def _clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["LC_ALL"] = "C"
    env.pop("LANG", None)
    env.pop("LANGUAGE", None)
    if extra:
        env.update(extra)
    return env


def _stop_process(
    proc: subprocess.Popen | None, sig: int = signal.SIGTERM, timeout: float = STOP_TIMEOUT
) -> None:
    """Stop ``proc`` (started with start_new_session=True) and its process group."""
    if proc is None:
        return
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(sig)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            proc.wait(timeout=timeout)
    # Reap anything left in the group (e.g. postgres backends after a SIGKILL).
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def _wait_until(
    ready: Callable[[], bool],
    proc: subprocess.Popen,
    what: str,
    log_path: str,
    timeout: float = STARTUP_TIMEOUT,
) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise ServiceError(
                f"{what} exited with code {proc.returncode} during start-up.\n"
                f"--- log tail ({log_path}) ---\n{_log_tail(log_path)}"
            )
        if ready():
            return
        if time.monotonic() > deadline:
            raise ServiceError(
                f"{what} did not become ready within {timeout:.0f}s.\n"
                f"--- log tail ({log_path}) ---\n{_log_tail(log_path)}"
            )
        time.sleep(0.05)


_live_servers: set[RedisServer | PostgresServer] = set()


@atexit.register
def _stop_leftovers() -> None:  # safety net if a finalizer did not run
    for server in list(_live_servers):
        with contextlib.suppress(Exception):
            server.close()


# --------------------------------------------------------------------------- #
# Redis
# --------------------------------------------------------------------------- #


def _find_redis() -> str | None:
    return shutil.which("redis-server") or next(
        (
            p
            for p in ("/usr/bin/redis-server", "/usr/local/bin/redis-server")
            if os.access(p, os.X_OK)
        ),
        None,
    )


def _redis_ping(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(64).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """A redis-server process on 127.0.0.1:PORT with no persistence."""

    def __init__(self, binary: str, port: int | None = None) -> None:
        self.binary = binary
        self.host = HOST
        self.port = port or free_port()
        self.tmpdir = tempfile.mkdtemp(prefix="pytest-redis-", dir="/tmp")
        self.log_path = os.path.join(self.tmpdir, "redis.log")
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://{self.host}:{self.port}/0"

    def url_for_db(self, db: int) -> str:
        return f"redis://{self.host}:{self.port}/{db}"

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def _argv(self) -> list[str]:
        return [
            self.binary,
            "--port", str(self.port),
            "--bind", self.host,
            "--save", "",
            "--appendonly", "no",
            "--daemonize", "no",
            "--dir", self.tmpdir,
            "--logfile", "",
        ]  # fmt: skip

    def start(self) -> RedisServer:
        """Start (or restart) the server on the same port; no-op if running."""
        if self.running:
            return self
        with open(self.log_path, "ab") as log:
            log.write(f"\n=== starting {' '.join(self._argv())} ===\n".encode())
            log.flush()
            self.proc = subprocess.Popen(
                self._argv(),
                cwd=self.tmpdir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_parent_death_signal(signal.SIGTERM),
            )
        _live_servers.add(self)
        try:
            _wait_until(
                lambda: _redis_ping(self.port),
                self.proc,
                f"redis-server on port {self.port}",
                self.log_path,
            )
        except BaseException:
            _stop_process(self.proc, signal.SIGKILL)
            raise
        return self

    def stop(self) -> None:
        """Stop the server (simulates the broker going away). Port is kept."""
        _stop_process(self.proc, signal.SIGTERM)
        self.proc = None

    def close(self) -> None:
        self.stop()
        _live_servers.discard(self)
        shutil.rmtree(self.tmpdir, ignore_errors=True)

    def __repr__(self) -> str:
        return f"<RedisServer {self.url} running={self.running}>"


# --------------------------------------------------------------------------- #
# PostgreSQL
# --------------------------------------------------------------------------- #


def _version_key(path: str) -> tuple:
    m = re.search(r"/postgresql/([0-9.]+)/", path)
    return tuple(int(x) for x in m.group(1).split(".") if x) if m else ()


def _find_pg_bindir() -> str | None:
    """Directory holding initdb + postgres (PATH first, then /usr/lib/postgresql/*/bin)."""
    initdb = shutil.which("initdb")
    if initdb:
        bindir = os.path.dirname(os.path.realpath(initdb))
        if os.access(os.path.join(bindir, "postgres"), os.X_OK):
            return bindir
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version_key, reverse=True
    )
    for cand in candidates:
        bindir = os.path.dirname(cand)
        if os.access(os.path.join(bindir, "postgres"), os.X_OK):
            return bindir
    return None


def _unprivileged_user() -> pwd.struct_passwd | None:
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    return None


class PostgresServer:
    """A throw-away PostgreSQL cluster on 127.0.0.1:PORT with trust auth."""

    def __init__(self, bindir: str, port: int | None = None) -> None:
        self.bindir = bindir
        self.host = HOST
        self.user = PG_USER
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None
        self._run_as: pwd.struct_passwd | None = None
        if os.geteuid() == 0:
            self._run_as = _unprivileged_user()
            if self._run_as is None:
                raise ServiceError("running as root but no 'postgres' or 'nobody' user exists")
        # /tmp is world-traversable, so the postgres user can reach the dir.
        self.tmpdir = tempfile.mkdtemp(prefix="pytest-pg-", dir="/tmp")
        os.chmod(self.tmpdir, 0o700)
        if self._run_as is not None:
            os.chown(self.tmpdir, self._run_as.pw_uid, self._run_as.pw_gid)
        self.datadir = os.path.join(self.tmpdir, "data")
        self.log_path = os.path.join(self.tmpdir, "postgres.log")

    # -- URLs ---------------------------------------------------------------

    def url_for(self, dbname: str, driver: str = "postgresql+psycopg") -> str:
        return f"{driver}://{self.user}@{self.host}:{self.port}/{dbname}"

    @property
    def url(self) -> str:
        """SQLAlchemy URL of the default ``postgres`` database."""
        return self.url_for("postgres")

    def conninfo(self, dbname: str = "postgres") -> str:
        """libpq/psycopg URL (no SQLAlchemy driver suffix)."""
        return self.url_for(dbname, driver="postgresql")

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    # -- process management -------------------------------------------------

    def _popen_kwargs(self) -> dict:
        kw: dict = dict(
            cwd=self.tmpdir,
            stdin=subprocess.DEVNULL,
            env=_clean_env(),
            start_new_session=True,
        )
        if self._run_as is not None:
            pw = self._run_as
            kw.update(user=pw.pw_uid, group=pw.pw_gid, extra_groups=[])
            kw["env"] = _clean_env({"HOME": self.tmpdir, "USER": pw.pw_name, "LOGNAME": pw.pw_name})
        return kw

    def _run(self, argv: Sequence[str], what: str) -> None:
        with open(self.log_path, "ab") as log:
            log.write(f"\n=== {' '.join(argv)} ===\n".encode())
            log.flush()
            kw = self._popen_kwargs()
            kw.pop("start_new_session")
            res = subprocess.run(
                list(argv), stdout=log, stderr=subprocess.STDOUT, timeout=120, **kw
            )
        if res.returncode != 0:
            raise ServiceError(
                f"{what} failed with exit code {res.returncode}.\n"
                f"--- log tail ({self.log_path}) ---\n{_log_tail(self.log_path)}"
            )

    def initdb(self) -> None:
        self._run(
            [
                os.path.join(self.bindir, "initdb"),
                "-D", self.datadir,
                "-A", "trust",
                "-U", self.user,
                "--no-sync",
                "-E", "UTF8",
                "--locale=C",
            ],
            "initdb",
        )  # fmt: skip

    def _argv(self) -> list[str]:
        return [
            os.path.join(self.bindir, "postgres"),
            "-D", self.datadir,
            "-p", str(self.port),
            "-c", f"listen_addresses={self.host}",
            "-c", f"unix_socket_directories={self.tmpdir}",
            "-c", "fsync=off",
            "-c", "synchronous_commit=off",
            "-c", "full_page_writes=off",
        ]  # fmt: skip

    def _ready(self) -> bool:
        try:
            import psycopg
        except ImportError:  # pragma: no cover - fall back to pg_isready
            res = subprocess.run(
                [
                    os.path.join(self.bindir, "pg_isready"),
                    "-q",
                    "-h",
                    self.host,
                    "-p",
                    str(self.port),
                ],
                env=_clean_env(),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            return res.returncode == 0
        try:
            with psycopg.connect(self.conninfo(), connect_timeout=2, autocommit=True) as conn:
                conn.execute("select 1")
            return True
        except psycopg.Error:
            return False

    def start(self) -> PostgresServer:
        if self.running:
            return self
        if not os.path.isdir(self.datadir):
            self.initdb()
        argv = self._argv()
        with open(self.log_path, "ab") as log:
            log.write(f"\n=== {' '.join(argv)} ===\n".encode())
            log.flush()
            self.proc = subprocess.Popen(
                argv,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=_parent_death_signal(signal.SIGQUIT),
                **self._popen_kwargs(),
            )
        _live_servers.add(self)
        try:
            _wait_until(self._ready, self.proc, f"postgres on port {self.port}", self.log_path)
        except BaseException:
            _stop_process(self.proc, signal.SIGQUIT)
            raise
        return self

    def stop(self) -> None:
        # SIGINT = "fast" shutdown: rolls back sessions, exits cleanly and quickly.
        _stop_process(self.proc, signal.SIGINT)
        self.proc = None

    def close(self) -> None:
        self.stop()
        _live_servers.discard(self)
        shutil.rmtree(self.tmpdir, ignore_errors=True)

    # -- databases ----------------------------------------------------------

    def create_database(self, name: str) -> str:
        """(Re)create an empty database ``name``; return its SQLAlchemy URL."""
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,62}", name):
            raise ValueError(f"invalid database name: {name!r}")
        import psycopg

        with psycopg.connect(self.conninfo(), autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
        return self.url_for(name)

    def drop_database(self, name: str) -> None:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,62}", name):
            raise ValueError(f"invalid database name: {name!r}")
        import psycopg

        with psycopg.connect(self.conninfo(), autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def __repr__(self) -> str:
        return f"<PostgresServer {self.url} running={self.running}>"


# --------------------------------------------------------------------------- #
# fixtures
# --------------------------------------------------------------------------- #


def _port_clash(err: ServiceError) -> bool:
    msg = str(err)
    return "Address already in use" in msg or "could not bind" in msg


@pytest.fixture(scope="session")
def redis_server(request: pytest.FixtureRequest):
    _not_in_the_fast_run(request, "redis-server")
    binary = _find_redis()
    if binary is None:
        unavailable(
            "redis-server not found: install the redis-server package "
            "(checked PATH, /usr/bin, /usr/local/bin)"
        )
    server = None
    for attempt in range(START_ATTEMPTS):
        server = RedisServer(binary)
        try:
            server.start()
            break
        except (ServiceError, OSError, subprocess.SubprocessError) as exc:
            server.close()
            if attempt + 1 < START_ATTEMPTS and _port_clash(exc):
                continue
            pytest.fail(f"could not start redis-server: {exc}", pytrace=False)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def postgres_server(request: pytest.FixtureRequest):
    _not_in_the_fast_run(request, "PostgreSQL")
    bindir = _find_pg_bindir()
    if bindir is None:
        unavailable(
            "postgres not found: no initdb/postgres on PATH or in /usr/lib/postgresql/*/bin "
            "(install the postgresql package)"
        )
    if os.geteuid() == 0 and _unprivileged_user() is None:
        unavailable("postgres cannot run as root and no 'postgres'/'nobody' user exists")
    server = None
    for attempt in range(START_ATTEMPTS):
        server = PostgresServer(bindir)
        try:
            server.start()
            break
        except (ServiceError, OSError, subprocess.SubprocessError) as exc:
            server.close()
            if attempt + 1 < START_ATTEMPTS and _port_clash(exc):
                continue
            pytest.fail(f"could not start postgres: {exc}", pytrace=False)
    try:
        yield server
    finally:
        server.close()
