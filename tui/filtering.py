"""The chat's `/filter` command: which outlets and dates the questions search.

`/filter source=NAME since=DATE until=DATE` sets it (a source may repeat), `/filter` alone or
`/filter off` clears it; the status line says what is searched.
"""

from __future__ import annotations

import shlex

from qa import QAError
from qa.search.filters import Filters


class FilterCommand:
    """The `/filter` command, mixed into `ChatApp`, which provides `assistant`, `status`,
    `notify` and `question_input`."""

    filters: Filters | None  # what the questions search; None: every article

    def set_filter(self, args: str) -> bool:
        """`/filter source=NAME since=DATE until=DATE` limits the articles searched (a
        source may repeat); `/filter` alone or `/filter off` clears it. False when the
        filter is refused (the reason is notified)."""
        try:
            words = shlex.split(args)
        except ValueError as exc:
            self.notify(f"cannot read the filter: {exc}", severity="error")
            return False
        if not words or words == ["off"]:
            self.filters, self.status.filter = None, ""
            self.notify("Filter cleared: every article is searched.")
            return True
        given: dict[str, list[str]] = {"source": [], "since": [], "until": []}
        for word in words:
            key, sep, value = word.partition("=")
            if not sep or key not in given or not value:
                self.notify(f"not a filter: {word!r}; use source=NAME, since=YYYY-MM-DD, until=YYYY-MM-DD or off",
                            severity="error")
                return False
            given[key].append(value)
        try:
            filters = self.assistant.filters(sources=given["source"] or None,
                                             since=given["since"][-1] if given["since"] else None,
                                             until=given["until"][-1] if given["until"] else None)
        except QAError as exc:
            self.notify(str(exc), title="Filter not set", severity="error", timeout=10)
            return False
        self.filters = filters
        self.status.filter = f"filter: {filters.describe()}"
        return True

    def action_filter(self) -> None:
        """Start a `/filter` command in the question box."""
        self.question_input.value = "/filter "
        self.question_input.cursor_position = len(self.question_input.value)
        self.question_input.focus()
