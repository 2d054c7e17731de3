"""The cyclic garbage collector paused while a run is turned into objects (:func:`gc_paused`).

Its own module, below the parser and the builder that both use it: a run the typed decoder reads
never imports the path-tracking parser (``flowgraph.parse``, ~1.5 ms of a process).

>>> import gc
>>> with gc_paused():
...     gc.isenabled()
False
>>> gc.isenabled()
True
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused"]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a large payload is turned into objects.

    Decoding and parsing a run allocate millions of objects that all stay alive; with the
    collector on, its passes over them cost more than the work itself (3x on a 10k-node run).
    Nothing is freed late: reference counting still frees everything at once, and the collector
    is switched back on (if it was on) when the block ends, even on an error.

    What the block allocated is long-lived by construction (the job, the graph), so it goes
    straight to the oldest generation, as if it had survived the young collections, instead of
    being walked by two of them right after: ``gc.freeze()`` + ``gc.unfreeze()`` do that in
    O(1). Skipped when something else in the process uses the permanent generation.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        gc.enable()
