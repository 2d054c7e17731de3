"""The one exception hierarchy of flowgraph: every error it raises is a ``FlowgraphError``.

Messages are one line, say what is wrong and where (a JSON path, a node id) and, where there is
one, name the fix. They never contain credentials.

>>> err = PayloadError("job.metadata.flow[3].id", "expected a string, got 12")
>>> str(err)
'job.metadata.flow[3].id: expected a string, got 12'
>>> isinstance(err, FlowgraphError)
True
"""

from __future__ import annotations

__all__ = [
    "ApiConnectionError",
    "ApiError",
    "ApiStatusError",
    "ApiTimeoutError",
    "AuthenticationError",
    "ConfigurationError",
    "ConflictError",
    "CycleError",
    "ExecutableNotFoundError",
    "FlowgraphError",
    "GraphError",
    "NodeNotFoundError",
    "NotFoundError",
    "PayloadError",
    "PermissionDeniedError",
    "RateLimitError",
    "RenderError",
    "ResponseDecodeError",
    "ResponseTooLargeError",
    "ServerError",
    "SourceError",
    "UnprocessableEntityError",
]


class FlowgraphError(Exception):
    """Base class of every error flowgraph raises on purpose."""


class SourceError(FlowgraphError):
    """A SOURCE could not be read: no such file, not JSON, too deeply nested, wrong kind."""


class PayloadError(FlowgraphError):
    """The JSON has the wrong shape; ``path`` says where (``job.metadata.flow[3].id``)."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class GraphError(FlowgraphError):
    """A query cannot answer on this graph's structure."""


class CycleError(GraphError):
    """The graph has a cycle, so it has no order and no critical path; ``cycle`` names it."""

    def __init__(self, cycle: list[str]) -> None:
        self.cycle = cycle
        shown = " -> ".join(repr(n) for n in [*cycle, cycle[0]]) if cycle else "?"
        super().__init__(f"the graph has a cycle ({shown}); run `flowgraph lint` to see it")


class NodeNotFoundError(GraphError, KeyError):
    """A node id that is not in the graph."""

    def __init__(self, node: str) -> None:
        self.node = node
        super().__init__(node)

    def __str__(self) -> str:
        return f"no node {self.node!r} in this graph"


class RenderError(FlowgraphError):
    """Graphviz failed or timed out while rendering."""


class ExecutableNotFoundError(RenderError):
    """Graphviz's ``dot`` is not installed."""


class ConfigurationError(FlowgraphError):
    """Missing or contradictory settings (credentials, base URL), found before any request."""


class ApiError(FlowgraphError):
    """Talking to the Scenario API failed."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        request_id: str | None = None,
        attempts: int | None = None,
        url: str | None = None,
    ) -> None:
        self.status = status
        self.request_id = request_id
        self.attempts = attempts
        self.url = url
        super().__init__(message)


class ApiStatusError(ApiError):
    """The API answered with an error status."""


class AuthenticationError(ApiStatusError):
    """401: the credentials were refused."""


class PermissionDeniedError(ApiStatusError):
    """403: the credentials may not read this resource."""


class NotFoundError(ApiStatusError):
    """404: no such job or workflow (for this project)."""


class ConflictError(ApiStatusError):
    """409 after the retries."""


class UnprocessableEntityError(ApiStatusError):
    """422: the request was refused as invalid."""


class RateLimitError(ApiStatusError):
    """429 after the retries."""


class ServerError(ApiStatusError):
    """5xx after the retries."""


class ApiConnectionError(ApiError):
    """No answer could be had: refused, reset, DNS, TLS."""


class ApiTimeoutError(ApiConnectionError):
    """The server did not answer in time."""


class ResponseDecodeError(ApiError):
    """The answer was not the JSON the API sends."""


class ResponseTooLargeError(ResponseDecodeError):
    """The answer was larger than the configured limit."""
