"""Command groups of the ``bubblewatch`` CLI, one module per group (registered in ``cli.py``)."""
