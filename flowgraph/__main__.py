"""``python -m flowgraph``: the same as the ``flowgraph`` command."""

from .cli import run

if __name__ == "__main__":
    run()
