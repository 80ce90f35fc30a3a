"""`python -m tui`: the chat, as `qa chat` opens it."""

import sys

from qa import QAError, load_settings
from tui.app import run

try:
    run(load_settings())
except QAError as exc:
    print(f"error: {exc}", file=sys.stderr)
    sys.exit(exc.exit_code)
