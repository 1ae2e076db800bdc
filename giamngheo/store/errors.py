"""The store's errors; ``code`` is a message key suffix for the pages."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from giamngheo.store.values import SavedScenario


class StoreError(Exception):
    """Any problem of the store.

    Its text is for the server log only: it can name the database file or server and quote the
    driver's error. Pages show a plain message in the user's language instead."""

    code = "store_error"


class StoreUnavailable(StoreError):
    code = "unavailable"


class BadInput(StoreError, ValueError):
    """A name, author, note or value the store does not accept (``field`` names it)."""

    code = "bad_input"

    def __init__(self, field: str, reason: str, value: Any = None):
        self.field, self.reason, self.value = field, reason, value
        super().__init__(f"{field}: {reason}")


class NameTaken(StoreError):
    """The plan already has a scenario of that name (``existing``); ``suggestion`` is free."""

    code = "name_taken"

    def __init__(self, name: str, existing: "SavedScenario", suggestion: str):
        self.name, self.existing, self.suggestion = name, existing, suggestion
        super().__init__(f"a scenario named {name!r} already exists (id {existing.id}); free: {suggestion!r}")


class NotFound(StoreError, KeyError):
    code = "not_found"
