"""The overall deadline of one call: a watchdog that shuts the socket down when it passes.

Why a watchdog. urllib3's timeouts apply to each socket operation, and ``http.client`` reads the
status line and the headers with ``readline()`` on a buffered socket file: a server that sends
one byte a second never trips a 60 s read timeout and keeps the request going for as long as it
likes. Recomputing the socket timeout before every read would mean replacing that socket file
inside ``http.client``; a deadline checked between reads cannot interrupt a read that blocks.
So while an attempt runs, a timer waits for the deadline; when it passes, the timer calls
``shutdown(SHUT_RDWR)`` on the attempt's socket. That makes a blocked ``recv`` (plain or TLS)
return at once, at any phase: status line, headers, body. Unlike ``close`` it leaves the file
descriptor allocated, so no other connection can be hit through a reused number. The attempt
then fails with some connection error, or sees the end of the body, and the client reports
the deadline instead (:attr:`Guard.struck`).

How the timer finds the socket. The client's pools make connections of a subclass
(:func:`watch_pools`) whose ``connect``, ``request`` and ``getresponse`` attach the connection,
and its socket, to the calling thread's current :class:`Guard`. A connection returned to its
pool is detached under the guard's lock first, so a late timer never touches a connection that
another request has taken. Limit: during a TLS handshake the socket is not reachable (Python
has detached it from its wrapper); the handshake's operations are bounded by the connect
timeout, and the socket is shut down as soon as the handshake ends.
"""

from __future__ import annotations

import socket
import threading
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from urllib3.connection import HTTPConnection
    from urllib3.connectionpool import HTTPConnectionPool
    from urllib3.poolmanager import PoolManager

    _ConnectionBase = HTTPConnection
    _PoolBase = HTTPConnectionPool
else:
    _ConnectionBase = _PoolBase = object

__all__ = ["Guard", "watch_pools"]

_current = threading.local()


class Guard:
    """Arms the deadline for one attempt in the calling thread (a context manager).

    ``at`` is a :func:`time.monotonic` time, or None for no deadline (nothing is started).
    ``phase`` says what the attempt is doing; ``struck`` is the phase in which the timer shut a
    socket down (None if it did not): whatever the attempt saw afterwards, an error or headers
    or a body that ended early, is the deadline's doing.
    """

    def __init__(self, at: float | None) -> None:
        self.at = at
        self.phase = "connecting"
        self.fired = False
        self.struck: str | None = None
        self._lock = threading.Lock()
        self._attached: dict[int, tuple[Any, Any]] = {}  # id(connection) -> (connection, socket)
        self._done = False
        self._timer: threading.Timer | None = None

    def __enter__(self) -> Guard:
        _current.guard = self
        if self.at is not None:
            self._timer = threading.Timer(max(0.0, self.at - time.monotonic()), self._fire)
            self._timer.name = "flowgraph-deadline"
            self._timer.daemon = True
            self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        _current.guard = None
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            self._done = True
            self._attached.clear()

    def attach(self, connection: Any) -> None:
        """Watch ``connection`` and its current socket (kept even once the connection lets go of
        it: ``http.client`` closes a ``Connection: close`` connection before the body is read)."""
        with self._lock:
            if self._done:
                return
            connection._flowgraph_guard = self
            known = self._attached.get(id(connection))
            sock = connection.sock or (known[1] if known else None)
            self._attached[id(connection)] = (connection, sock)
            if self.fired:
                self._strike()

    def detach(self, connection: Any) -> None:
        """Stop watching ``connection`` (it goes back to its pool)."""
        with self._lock:
            self._attached.pop(id(connection), None)
            if getattr(connection, "_flowgraph_guard", None) is self:
                connection._flowgraph_guard = None

    def _fire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.fired = True
            self._strike()

    def _strike(self) -> None:
        for connection, sock in self._attached.values():
            for target in {id(s): s for s in (connection.sock, sock) if s is not None}.values():
                if _shutdown(target) and self.struck is None:
                    self.struck = self.phase


def _shutdown(sock: Any) -> bool:
    """``shutdown(SHUT_RDWR)`` on the OS socket under ``sock`` (an ``SSLSocket``'s own
    ``shutdown`` would also drop its TLS state under the reading thread's feet)."""
    for _ in range(4):  # urllib3's SSLTransport (TLS in TLS) wraps a socket in ``.socket``
        if isinstance(sock, socket.socket):
            break
        sock = getattr(sock, "socket", None)
    if not isinstance(sock, socket.socket):
        return False
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:  # already closed, or not connected yet
        return False
    return True


def _guard() -> Guard | None:
    guard: Guard | None = getattr(_current, "guard", None)
    return guard


class _WatchedConnection(_ConnectionBase):
    """Mixed into a pool's connection class: attaches itself to the thread's :class:`Guard`."""

    def connect(self) -> None:
        guard = _guard()
        if guard is not None:
            guard.attach(self)
        super().connect()
        if guard is not None:
            guard.attach(self)  # the socket now exists (and strikes at once if the time is up)

    def request(self, *args: Any, **kwargs: Any) -> None:
        guard = _guard()
        if guard is not None:
            guard.attach(self)
        super().request(*args, **kwargs)

    def getresponse(self, *args: Any, **kwargs: Any) -> Any:
        guard = _guard()
        if guard is not None:
            guard.attach(self)
        return super().getresponse(*args, **kwargs)


class _WatchedPool(_PoolBase):
    """Mixed into a pool class: makes watched connections, detaches those it takes back."""

    def _put_conn(self, conn: Any) -> None:
        guard = getattr(conn, "_flowgraph_guard", None)
        if isinstance(guard, Guard):
            guard.detach(conn)
        super()._put_conn(conn)


_made: dict[type[Any], type[Any]] = {}
_made_lock = threading.Lock()


def _watched(pool: type[Any]) -> type[Any]:
    if issubclass(pool, _WatchedPool):
        return pool
    with _made_lock:
        made = _made.get(pool)
        if made is None:
            base = pool.ConnectionCls
            connection = type(f"Watched{base.__name__}", (_WatchedConnection, base), {})
            attrs = {"ConnectionCls": connection}
            made = _made[pool] = type(f"Watched{pool.__name__}", (_WatchedPool, pool), attrs)
        return made


def watch_pools(manager: PoolManager) -> PoolManager:
    """Make ``manager`` (a pool manager, proxy managers included) create watched pools."""
    manager.pool_classes_by_scheme = {
        scheme: _watched(pool) for scheme, pool in manager.pool_classes_by_scheme.items()
    }
    return manager
