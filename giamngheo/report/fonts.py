"""The font chart pictures are drawn with, shipped with the project.

vl-convert draws text only with fonts it can find; a fresh machine (or a slim image) may have none
with the Vietnamese diacritics, and then a PNG has no text at all. So the project carries its own:
Source Sans Pro 2.020 (Adobe, SIL Open Font License 1.1, ``giamngheo/assets/fonts/OFL.txt``), which
covers every Vietnamese letter and is the design of Streamlit's own type (there called "Source Sans"),
so a chart reads the same on screen and on paper.

Every chart spec names :data:`FONT_FAMILY` (``config.font``, set in one place:
``giamngheo.report.charts.localise``); :func:`register` hands the font directory to vl-convert once
per process, before any picture is drawn."""
from __future__ import annotations

import threading

from giamngheo.paths import PACKAGE_DIR

FONT_DIR = PACKAGE_DIR / "assets" / "fonts"
FONT_NAME = "Source Sans Pro"
# the vendored family first (vl-convert), then the browser's copy of the same design (Streamlit's
# "Source Sans"), then any sans-serif
FONT_FAMILY = f"{FONT_NAME}, Source Sans, sans-serif"

_LOCK = threading.Lock()
_registered = False


def register() -> None:
    """Register the vendored fonts with vl-convert (once per process; thread-safe)."""
    global _registered
    if _registered:
        return
    with _LOCK:
        if _registered:
            return
        import vl_convert as vlc

        vlc.register_font_directory(str(FONT_DIR))
        _registered = True
