"""Chart pictures: an Altair chart to PNG with vl-convert (no browser), fonts with Vietnamese diacritics."""
from __future__ import annotations

import altair as alt


def chart_png(chart: alt.TopLevelMixin, scale: float = 2.0, width: int | None = 900) -> bytes:
    import vl_convert as vlc

    spec = chart.to_dict()
    if width and "width" not in spec:
        spec["width"] = width
    spec.setdefault("config", {})
    spec["config"].setdefault("font", "Noto Sans")
    # a picture cannot show a legend's full text on hover: never cut a legend label short
    legend = spec["config"].setdefault("legend", {})
    legend.setdefault("labelLimit", 0)
    return vlc.vegalite_to_png(spec, scale=scale)
