"""Log records without credentials: a filter on the loggers of urllib3 and of this package.

urllib3 logs request lines with their path and query at DEBUG (``"GET /v1/x?api_key=..."``),
retries with the URL, and header parsing trouble with the full URL, at WARNING. A server can
put our credentials into such a URL (a redirect's ``Location``), and an application that turns
on DEBUG logging globally would then write them out. The filter sits on the loggers themselves,
not on a handler, so it runs for every record those loggers make, before any handler anywhere
sees it, whatever the application configured. It masks the credentials of every live
:class:`~flowgraph.api.Client` (each registers its :class:`~._settings.Auth`); records without
them pass unchanged.
"""

from __future__ import annotations

import logging
import threading
import weakref
from typing import Protocol

__all__ = ["LOGGERS", "RedactingFilter", "protect"]

#: The loggers that can carry a URL or an echo of the server: urllib3's, and flowgraph's own.
LOGGERS = (
    "urllib3",
    "urllib3.connection",
    "urllib3.connectionpool",
    "urllib3.poolmanager",
    "urllib3.response",
    "urllib3.util.retry",
    "flowgraph.api._http",
    "flowgraph.api.endpoints",
)


class _Redactor(Protocol):
    def redact(self, text: str) -> str: ...


class RedactingFilter(logging.Filter):
    """Masks the registered credentials in a record's message and exception text.

    >>> import logging
    >>> class Mask:
    ...     def redact(self, text): return text.replace("TOKEN", "***")
    >>> mask, f = Mask(), RedactingFilter()
    >>> f.register(mask)
    >>> record = logging.makeLogRecord({"msg": "GET /x?t=%s", "args": ("TOKEN",)})
    >>> f.filter(record), record.getMessage()
    (True, 'GET /x?t=***')
    """

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._redactors: weakref.WeakSet[_Redactor] = weakref.WeakSet()

    def register(self, redactor: _Redactor) -> None:
        with self._lock:
            self._redactors.add(redactor)

    def _mask(self, text: str) -> str:
        with self._lock:
            redactors = list(self._redactors)
        for redactor in redactors:
            text = redactor.redact(text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format: leave it to logging's own error handling
            return True
        masked = self._mask(message)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            # formatters reuse exc_text when it is set: store the masked traceback there
            text = logging.Formatter().formatException(record.exc_info)
            if self._mask(text) != text:
                record.exc_text = self._mask(text)
        elif record.exc_text:
            record.exc_text = self._mask(record.exc_text)
        if record.stack_info:
            record.stack_info = self._mask(record.stack_info)
        return True


_FILTER = RedactingFilter()


def protect(redactor: _Redactor) -> None:
    """Mask ``redactor``'s credentials in every record of :data:`LOGGERS` from now on.

    The one filter is (re)installed on each call, so a logging configuration that dropped it
    gets it back with the next client; ``redactor`` is held weakly and goes with its client.
    """
    _FILTER.register(redactor)
    for name in LOGGERS:
        logging.getLogger(name).addFilter(_FILTER)  # a no-op when it is already there
