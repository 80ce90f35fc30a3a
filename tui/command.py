"""`qa chat`, registered with the qa CLI through the `qa.commands` entry point.

Kept apart from the app so that `qa --help` does not import Textual.
"""


def chat() -> None:
    """Open the terminal chat (Textual)."""
    from tui.app import run

    run()
