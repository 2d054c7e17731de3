"""A scripted HTTP/1.1 server on 127.0.0.1 for API client tests: plays replies, records requests.

Plain sockets rather than ``http.server`` so that a reply can misbehave on purpose: stall
mid-body, drip the body or the status line and headers, declare the wrong ``Content-Length``,
never answer, or hang up.
"""

from __future__ import annotations

import base64
import contextlib
import http
import json
import re
import socket
import ssl
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote_plus

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = [
    "JWT",
    "KEY",
    "MAX_DRIP",
    "SECRET",
    "SECRET_FORMS",
    "ApiServer",
    "Received",
    "Reply",
    "Sleeps",
    "closed_port_url",
    "exception_texts",
    "job",
    "job_reply",
    "secret_leaks",
]

#: The most bytes one reply drips (status line, headers and body each): a drip ends by itself.
MAX_DRIP = 10_000

KEY = "KEY"
SECRET = "SUPERSECRET"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmYWtlLXVzZXIifQ.ZmFrZS1zaWduYXR1cmUtZm9yLXRlc3Rz"
BASIC = base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
#: Every form a credential could leak in, also percent-encoded as a URL would carry it (a query
#: ``?auth=KEY%3ASUPERSECRET``, userinfo). The key alone is checked by :func:`secret_leaks` with
#: word boundaries, since ``SCENARIO_SDK_API_KEY`` legitimately appears in hints.
SECRET_FORMS = tuple(
    dict.fromkeys(
        form
        for plain in (SECRET, JWT, BASIC, f"{KEY}:{SECRET}", f"{KEY}:{SECRET}@")
        for form in (plain, urllib.parse.quote(plain, safe=""), quote_plus(plain))
    )
)
_BARE_KEY = re.compile(r"(?<![A-Za-z0-9_])KEY(?![A-Za-z0-9_])")


def secret_leaks(text: str, *extra: str) -> list[str]:
    """The credential forms found in ``text`` (empty when clean); ``extra`` are more secrets,
    checked as written and percent-encoded."""
    more = [
        form
        for e in extra
        for form in (
            e,
            urllib.parse.quote(e, errors="surrogatepass"),
            urllib.parse.quote(e, safe="", errors="surrogatepass"),
            quote_plus(e, errors="surrogatepass"),
        )
    ]
    found = [form for form in (*SECRET_FORMS, *more) if form and form in text]
    if _BARE_KEY.search(text):
        found.append(KEY)
    return found


def exception_texts(exc: BaseException) -> list[str]:
    """str and repr of ``exc`` and of everything on its ``__cause__``/``__context__`` chain."""
    texts: list[str] = []
    seen: set[int] = set()
    item: BaseException | None = exc
    stack = [exc]
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        texts += [str(item), repr(item), repr(vars(item))]
        stack += [x for x in (item.__cause__, item.__context__) if x is not None]
    return texts


def job(
    job_id: str, status: str = "success", flow: list[Any] | None = None, **extra: Any
) -> dict[str, Any]:
    """A minimal workflow job dict."""
    data: dict[str, Any] = {"jobId": job_id, "jobType": "workflow", "status": status}
    data["metadata"] = {"flow": flow} if flow is not None else {}
    data.update(extra)
    return data


def job_reply(
    job_id: str, status: str = "success", flow: list[Any] | None = None, **kw: Any
) -> Reply:
    """A 200 ``{"job": ...}`` reply."""
    return Reply(body={"job": job(job_id, status, flow)}, **kw)


@dataclass
class Reply:
    """One scripted answer. ``body`` may be bytes, text, or anything JSON (sent as JSON)."""

    status: int = 200
    body: Any = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # wait before answering
    content_length: int | None = None  # declare this length instead of the real one; -1: none
    send: int | None = None  # send only the first N body bytes
    stall: float = 0.0  # after sending, keep the connection silent this long, then close
    drip: float = 0.0  # send the body one byte at a time, this many seconds apart
    drip_head: float = 0.0  # send the status line and headers one byte at a time, so far apart
    head_pad: int = 0  # add an ``x-padding`` header of this many bytes (a longer head to drip)
    hang: bool = False  # read the request, never answer
    drop: bool = False  # close the connection without answering
    close: bool = False  # close the connection after answering

    def payload(self) -> tuple[bytes, str | None]:
        if isinstance(self.body, bytes):
            return self.body, None
        if isinstance(self.body, str):
            return self.body.encode(), "text/plain; charset=utf-8"
        return json.dumps(self.body).encode(), "application/json"


@dataclass
class Received:
    """One request as the server saw it (``path`` is raw, still percent-encoded)."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    connection: int


class ApiServer:
    """Threaded scripted server; use as a context manager. ``base`` is ``http://127.0.0.1:P/v1``.

    Replies come from :meth:`route` (per path, in order, the last one repeating), else
    :meth:`script` (any path), else a 404 JSON answer.
    """

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.tls = tls
        self.requests: list[Received] = []
        self.routes: dict[str, list[Reply]] = {}
        self.connections = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._sockets: list[socket.socket] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        scheme = "https" if tls else "http"
        self.url = f"{scheme}://127.0.0.1:{self.port}"
        self.base = self.url + "/v1"

    # -- scripting ----------------------------------------------------------------------------

    def route(self, path: str, *replies: Reply) -> ApiServer:
        """Answer ``path`` (without query, e.g. ``/v1/jobs/j1``) with ``replies`` in order."""
        self.routes[path] = list(replies)
        return self

    def script(self, *replies: Reply) -> ApiServer:
        """Answer any path not routed with ``replies`` in order."""
        return self.route("*", *replies)

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]

    def _next(self, path: str) -> Reply:
        with self._lock:
            queue = self.routes.get(path) or self.routes.get("*")
            if not queue:
                return Reply(404, {"message": f"no route for {path}"})
            return queue.pop(0) if len(queue) > 1 else queue[0]

    # -- life cycle ---------------------------------------------------------------------------

    def __enter__(self) -> Self:
        thread = threading.Thread(target=self._accept, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept() on Linux
        self._listener.close()
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        for thread in self._threads:
            thread.join(timeout=2)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self.connections += 1
                number = self.connections
                self._sockets.append(sock)
            thread = threading.Thread(target=self._serve, args=(sock, number), daemon=True)
            thread.start()
            self._threads.append(thread)

    # -- one connection -----------------------------------------------------------------------

    def _serve(self, sock: socket.socket, number: int) -> None:
        conn: socket.socket = sock
        try:
            conn.settimeout(5)
            if self.tls is not None:
                conn = self.tls.wrap_socket(sock, server_side=True)
            buffer = b""
            while not self._stop.is_set():
                while b"\r\n\r\n" not in buffer:
                    data = conn.recv(65536)
                    if not data:
                        return
                    buffer += data
                head, _, buffer = buffer.partition(b"\r\n\r\n")
                reply = self._record(head, number)
                with self._lock:
                    self.in_flight += 1
                    self.max_in_flight = max(self.max_in_flight, self.in_flight)
                try:
                    keep = self._play(conn, reply)
                finally:
                    with self._lock:
                        self.in_flight -= 1
                if not keep:
                    return
        except (OSError, ssl.SSLError, ValueError):
            return
        finally:
            with contextlib.suppress(OSError):
                conn.close()

    def _record(self, head: bytes, number: int) -> Reply:
        lines = head.decode("latin-1").split("\r\n")
        method, target, _version = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        path, _, query = target.partition("?")
        received = Received(method, path, urllib.parse.parse_qs(query), headers, number)
        with self._lock:
            self.requests.append(received)
        return self._next(path)

    def _play(self, conn: socket.socket, reply: Reply) -> bool:
        if reply.hang:
            self._stop.wait(30)
            return False
        if reply.delay:
            self._stop.wait(reply.delay)
        if reply.drop:
            return False
        body, content_type = reply.payload()
        headers = {k.lower(): v for k, v in reply.headers.items()}
        if content_type and "content-type" not in headers:
            headers["content-type"] = content_type
        if reply.content_length != -1 and "transfer-encoding" not in headers:
            declared = len(body) if reply.content_length is None else reply.content_length
            headers["content-length"] = str(declared)
        partial = reply.send is not None or reply.stall or reply.content_length is not None
        if reply.close or partial or reply.content_length == -1:
            headers["connection"] = "close"
        if reply.head_pad:
            headers["x-padding"] = "x" * reply.head_pad
        try:
            phrase = http.HTTPStatus(reply.status).phrase
        except ValueError:
            phrase = "Unknown"
        lines = [f"HTTP/1.1 {reply.status} {phrase}"] + [f"{k}: {v}" for k, v in headers.items()]
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        if not self._send(conn, head, reply.drip_head):
            return False
        body = body if reply.send is None else body[: reply.send]
        if not self._send(conn, body, reply.drip):
            return False
        if reply.stall:
            self._stop.wait(reply.stall)
            return False
        return headers.get("connection") != "close"

    def _send(self, conn: socket.socket, data: bytes, drip: float) -> bool:
        """Send ``data`` at once, or with ``drip`` one byte every ``drip`` seconds: at most
        :data:`MAX_DRIP` bytes, so a drip stops by itself (also when the server stops, or the
        client hangs up: ``sendall`` then fails). False when the connection should end."""
        if not drip:
            conn.sendall(data)
            return True
        if len(data) > MAX_DRIP:
            raise ValueError(f"a drip of {len(data)} bytes is more than MAX_DRIP ({MAX_DRIP})")
        for i in range(len(data)):
            conn.sendall(data[i : i + 1])
            if self._stop.wait(drip):
                return False
        return True


class Sleeps(list[float]):
    """An injected ``sleep`` that records the delays and never waits."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def closed_port_url() -> str:
    """A base URL on a local port where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def wait_until(predicate: Callable[[], bool], timeout: float = 2.0) -> bool:
    """Poll ``predicate`` for up to ``timeout`` seconds."""
    ends = time.monotonic() + timeout
    while time.monotonic() < ends:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


def iter_chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and its ``__cause__``/``__context__`` chain."""
    seen: set[int] = set()
    stack = [exc]
    while stack:
        item = stack.pop()
        if id(item) not in seen:
            seen.add(id(item))
            yield item
            stack += [x for x in (item.__cause__, item.__context__) if x is not None]


def point_env_at(server: ApiServer, env: Any, cache: Any) -> None:
    """Point the SDK's variables (key and secret, no JWT, the base URL) at ``server`` and
    flowgraph's cache at ``cache``, through a ``pytest.MonkeyPatch`` ``env``: what a CLI run or
    ``open_source`` against the local server needs."""
    env.setenv("SCENARIO_SDK_API_KEY", KEY)
    env.setenv("SCENARIO_SDK_API_SECRET", SECRET)
    env.delenv("SCENARIO_SDK_JWT", raising=False)
    env.setenv("SCENARIO_BASE_URL", server.base)
    env.setenv("FLOWGRAPH_CACHE_DIR", str(cache))
