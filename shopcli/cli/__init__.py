"""The ``shop`` command: a thin Typer layer over the library. ``app.py`` holds the Typer app and its
entry point ``main``; ``ordering.py`` runs order batches and prompts."""
