"""Chart pictures: a Vega-Lite spec to PNG with vl-convert (no browser), drawn with the font the project
ships (:mod:`giamngheo.report.fonts`: Vietnamese diacritics, on any machine).

The number locale travels inside the spec (``config.locale``, see :mod:`giamngheo.report.charts`),
so the picture reads 1.234,5 in Vietnamese as the page does."""
from __future__ import annotations

from typing import Any


def chart_png(chart: Any, scale: float = 2.0, width: int | None = 900) -> bytes:
    """A chart (a Vega-Lite dict, or an Altair chart) as PNG bytes."""
    import vl_convert as vlc

    from giamngheo.report import fonts
    from giamngheo.report.charts import _LOCK, drop_empty_layers, spec_records

    fonts.register()

    if not isinstance(chart, dict):
        with _LOCK:   # Altair's data transformers are global: never two conversions at once
            chart = chart.to_dict()
    # a screen's spec may keep a layer with no rows (the main chart's baseline at the defaults): a picture
    # is drawn without it (vl-convert lays out its empty legend at an infinite offset)
    spec = spec_records(drop_empty_layers(chart))
    if width and "width" not in spec:
        spec["width"] = width
    cfg = dict(spec.get("config") or {})
    cfg.setdefault("font", fonts.FONT_FAMILY)
    # a picture cannot show a legend's full text on hover: never cut a legend label short
    cfg["legend"] = {"labelLimit": 0, **(cfg.get("legend") or {})}
    spec["config"] = cfg
    return vlc.vegalite_to_png(spec, scale=scale)
