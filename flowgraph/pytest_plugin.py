"""pytest plugin (``pytest11`` entry point): the ``flowgraph_snapshot`` fixture."""
