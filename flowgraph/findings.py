"""Lint findings: what is wrong or odd in a flow, with a severity, a code and the node.

>>> f = Finding("error", "dangling-ref", "upscale", "input 'image' refers to missing node 'ghost'")
>>> f.as_dict()["code"], str(f)
('dangling-ref', "error dangling-ref [upscale]: input 'image' refers to missing node 'ghost'")
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

__all__ = ["SEVERITIES", "Finding"]

#: Severities from worst to mildest; ``flowgraph lint`` exits 1 when any ``error`` is found.
SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True, order=True)
class Finding:
    """One lint finding. ``node`` is ``None`` for findings about the whole job."""

    severity: str
    code: str
    node: str | None
    message: str

    def as_dict(self) -> dict[str, str | None]:
        """The JSON form printed by ``flowgraph lint --json``."""
        return asdict(self)

    def __str__(self) -> str:
        where = f" [{self.node}]" if self.node is not None else ""
        return f"{self.severity} {self.code}{where}: {self.message}"
