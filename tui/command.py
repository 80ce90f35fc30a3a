"""`qa chat`, registered with the qa CLI through the `qa.commands` entry point.

Kept apart from the app so that `qa --help` does not import Textual.
"""


def chat() -> None:
    """Open the terminal chat (Textual)."""
    from qa import load_settings
    from tui.app import run

    run(load_settings())  # a bad QA_ value is a one-line error before the screen opens
