"""Telling the memory cap from a bad file: what a refused allocation looks like once a library has
wrapped it (shared by the reader and its worker process)."""
from __future__ import annotations

import errno


def out_of_memory(exc: BaseException | None) -> bool:
    """Whether a failure (or what caused it) is the memory cap: a MemoryError, an OSError ENOMEM (a
    mapping refused), or a library's own words for it (zlib's "insufficient memory", a shared object
    that "failed to map segment")."""
    seen = 0
    while exc is not None and seen < 8:
        if isinstance(exc, MemoryError) or (isinstance(exc, OSError) and exc.errno == errno.ENOMEM):
            return True
        text = str(exc).lower()
        if "memory" in text or "failed to map" in text or "cannot allocate" in text:
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False
