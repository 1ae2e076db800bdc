"""One helper for every string that came from outside (a link's keys and values, a file's name, an
author, a scenario's name or note, a group name from an upload, a database's message): it is shown
as text, never as Markdown or HTML.

``text(value)`` gives Markdown that displays exactly the characters given (after cleaning), for
``st.markdown``, ``st.caption``, ``st.info``/``warning``/``error``/``success``, labels and every
``tr(...)`` parameter that ends up in one of them:

* every ASCII punctuation mark is backslash-escaped, so ``[x](y)``, ``![](y)``, ``<b>``, ``**``,
  ``:red[...]``, ``$x$`` and ``` ` ``` show as typed;
* what a browser would turn into a link by itself (``http://…``, ``https://…``, ``www.…``,
  ``mailto:``, an e-mail address) is put in a code span, where Markdown makes no link;
* bidirectional controls (U+202E turns the text around it) and other invisible format and control
  characters are removed, line breaks become spaces;
* it is cut to ``limit`` characters (with "…"), so that a 100 kB name cannot make a caption
  thousands of pixels tall.

``plain(value)`` does the cleaning and the cut without any Markdown, for places that show text as
text already (tables, select boxes, code blocks, file names).
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any

LIMIT = 120
_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")
_ASCII_PUNCT = frozenset(c for c in map(chr, range(33, 127)) if _PUNCT.match(c))
# the GFM "autolink literal" forms, and schemes a browser would follow
_LINKISH = re.compile(
    r"(?i)(?:\b(?:https?|ftp|ftps|file|mailto|xmpp|javascript|data|vbscript|tel|sms):\S*"
    r"|\bwww\.\S*"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)")
# zero-width joiners stay (they build emoji and some scripts); every other format character goes
_KEEP_FORMAT = {"\u200c", "\u200d"}


def _strip_invisible(s: str) -> str:
    out = []
    for ch in s:
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Zl", "Zp"):
            out.append(" ")
        elif cat == "Cf" and ch not in _KEEP_FORMAT:
            continue
        else:
            out.append(ch)
    return "".join(out)


def plain(value: Any, limit: int = LIMIT) -> str:
    """The value as clean text: NFC, no control, bidi or other invisible format characters, one
    line, spaces collapsed, at most ``limit`` characters (the last one "…" when cut)."""
    s = "" if value is None else str(value)
    if len(s) > 4 * limit + 64:           # do not normalise megabytes to show a hundred characters
        s = s[: 4 * limit + 64]
    s = _strip_invisible(unicodedata.normalize("NFC", s))
    s = re.sub(r"\s+", " ", s).strip()
    if limit and len(s) > limit:
        s = s[: max(limit - 1, 0)].rstrip() + "…"
    return s


def _code_span(s: str) -> str:
    fence = "`" * (max((len(m) for m in re.findall(r"`+", s)), default=0) + 1)
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    return f"{fence}{pad}{s}{pad}{fence}"


def _escape(s: str) -> str:
    return _PUNCT.sub(r"\\\1", s)


def text(value: Any, limit: int = LIMIT) -> str:
    """Markdown that shows ``plain(value, limit)`` exactly as text: no link, image, HTML, emphasis,
    colour, maths or emoji code can come out of it."""
    s = plain(value, limit)
    out, pos = [], 0
    for m in _LINKISH.finditer(s):
        out.append(_escape(s[pos:m.start()]))
        out.append(_code_span(m.group(0)))
        pos = m.end()
    out.append(_escape(s[pos:]))
    return "".join(out)


def table_cell(value: Any, limit: int = LIMIT) -> str:
    """:func:`text` for a cell of a Markdown (GFM) table: a pipe splits a cell even inside a code span
    unless written ``\\|`` (GFM takes that backslash away before the cell is read)."""
    return re.sub(r"(?<!\\)\|", r"\\|", text(value, limit))


def html_text(value: Any, limit: int = LIMIT) -> str:
    """``plain(value, limit)`` for app-made HTML, inside Markdown (``st.markdown(..., unsafe_allow_html=True)``)
    or in ``st.html``: every ASCII punctuation character as a numeric character reference, so that neither HTML
    nor Markdown (a link, an autolink, emphasis) can come out of it; the browser shows the text as typed."""
    return "".join(f"&#{ord(c)};" if c in _ASCII_PUNCT else c for c in plain(value, limit))


def has_link(markdown: str) -> bool:
    """Would this Markdown (outside code spans) make a link or an image? For tests and checks.

    An escaped bracket cannot open a link, but an escaped URL (``http\\:\\/\\/…``) is still
    turned into a link by GFM, so URLs are looked for in the text with its escapes resolved."""
    without_code = re.sub(r"(`+)(?:(?!\1).)+?\1", "", markdown)
    structural = re.sub(r"\\[!-/:-@\[-`{-~]", "", without_code)
    resolved = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", without_code)
    return bool(re.search(r"\]\(|!\[|<[a-z][a-z0-9+.-]*:", structural, re.I) or _LINKISH.search(resolved))


def csv_bytes(df: Any) -> bytes:
    """A data frame as CSV (UTF-8 with BOM, for Excel) whose text cells cannot run as formulas: the
    same rule as the Excel exports (``giamngheo.report.export.safe_text``: a leading ``'`` before
    ``= + - @``, tab or CR), on cells and column names; numbers stay numbers."""
    import pandas as pd

    from giamngheo.report.export import safe_text
    out = df.copy()
    for col in out.columns:
        if not pd.api.types.is_numeric_dtype(out[col]) and not pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].astype(object).map(safe_text)
    out.columns = [safe_text(str(c)) for c in out.columns]
    return out.to_csv(index=False).encode("utf-8-sig")


def logged(exc: BaseException, shown: str) -> str:
    """Log an error's own text on the server (it can name a file or quote a database) and return
    ``shown``, the plain words a visitor sees instead."""
    import logging
    logging.getLogger("giamngheo.ui").log(logging.WARNING, "%s: %s", exc.__class__.__name__, exc)
    return shown


def message(note: Any, lang: str, limit: int = 80) -> str:
    """A core notice (``code`` + ``params``, e.g. an upload's ``ingest.Note``) in the user's language,
    every text parameter (a header, a group name, a file name from the upload) shown as text;
    numbers stay numbers for the string's own format."""
    from giamngheo.i18n import catalogue, t
    key = f"ingest.note.{getattr(note, 'code', '')}"
    if key not in catalogue() or not hasattr(note, "params"):     # another kind of notice: all of it as text
        return text(note.message(lang), 1000)
    def one(v: Any) -> Any:
        if isinstance(v, str) and v.startswith("@") and v[1:] in catalogue():
            return t(v[1:], lang)          # the core's own words (a key of ours), not outside text
        return text(v, limit) if isinstance(v, str) else v
    return t(key, lang, **{k: one(v) for k, v in dict(note.params).items()})


__all__ = ["text", "plain", "html_text", "table_cell", "message", "logged", "csv_bytes", "has_link", "LIMIT"]
