"""Conversations of the chat, kept in SQLite in the data dir (`conversations.sqlite3`).

A turn stores the question and, once it is answered, the whole `Answer` as JSON (text,
citations with their quotes, passages), so that a reopened conversation shows its sources
and can carry on with follow-ups. A cancelled answer keeps its partial text, marked.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from qa import Answer

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    created REAL NOT NULL,
    updated REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS turns (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    question TEXT NOT NULL,
    answer_json TEXT,          -- the checked Answer; NULL when the answer was cancelled
    partial TEXT,              -- what had streamed when it was cancelled
    created REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS turns_by_conversation ON turns(conversation_id, id);
"""
TITLE_CHARS = 60


@dataclass(frozen=True)
class Turn:
    question: str
    answer: Answer | None  # None: cancelled
    partial: str = ""

    @property
    def cancelled(self) -> bool:
        return self.answer is None


@dataclass(frozen=True)
class Conversation:
    id: int
    title: str
    updated: float
    turns: int


def _title(question: str) -> str:
    q = " ".join(question.split())
    return q if len(q) <= TITLE_CHARS else q[: TITLE_CHARS - 1].rstrip() + "…"


class ConversationStore:
    """Every conversation of the chat app. One short transaction per write."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=5.0, check_same_thread=False)
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.executescript(SCHEMA)
        os.chmod(path, 0o600)  # questions are the user's own

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._db:  # commits, or rolls back on error
            yield self._db

    def close(self) -> None:
        self._db.close()

    def create(self, first_question: str) -> int:
        now = time.time()
        with self._write() as db:
            cur = db.execute(
                "INSERT INTO conversations (title, created, updated) VALUES (?, ?, ?)", (_title(first_question), now, now)
            )
        return int(cur.lastrowid)

    def add_turn(self, conversation_id: int, question: str, answer: Answer | None, partial: str = "") -> None:
        now = time.time()
        with self._write() as db:
            db.execute(
                "INSERT INTO turns (conversation_id, question, answer_json, partial, created) VALUES (?, ?, ?, ?, ?)",
                (conversation_id, question, answer.model_dump_json() if answer else None, partial, now),
            )
            db.execute("UPDATE conversations SET updated = ? WHERE id = ?", (now, conversation_id))

    def turns(self, conversation_id: int) -> list[Turn]:
        rows = self._db.execute(
            "SELECT question, answer_json, partial FROM turns WHERE conversation_id = ? ORDER BY id", (conversation_id,)
        ).fetchall()
        return [Turn(q, Answer.model_validate_json(a) if a else None, p or "") for q, a, p in rows]

    def list(self) -> list[Conversation]:
        rows = self._db.execute(
            "SELECT c.id, c.title, c.updated, COUNT(t.id) FROM conversations c "
            "LEFT JOIN turns t ON t.conversation_id = c.id GROUP BY c.id ORDER BY c.updated DESC, c.id DESC"
        ).fetchall()
        return [Conversation(int(i), str(t), float(u), int(n)) for i, t, u, n in rows]

    def latest(self) -> int | None:
        found = self.list()
        return found[0].id if found else None

    def title(self, conversation_id: int) -> str:
        row = self._db.execute("SELECT title FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
        return str(row[0]) if row else ""
