"""Chart pictures: an Altair chart to PNG with vl-convert (no browser), fonts with Vietnamese diacritics."""
from __future__ import annotations

import altair as alt


def chart_png(chart: alt.TopLevelMixin | dict, scale: float = 2.0, width: int | None = 900) -> bytes:
    """A chart (an Altair chart or its Vega-Lite spec) as PNG bytes."""
    import copy

    import vl_convert as vlc

    spec = copy.deepcopy(chart) if isinstance(chart, dict) else chart.to_dict()
    if width and "width" not in spec:
        spec["width"] = width
    spec.setdefault("config", {})
    spec["config"].setdefault("font", "Noto Sans")
    # a picture cannot show a legend's full text on hover: never cut a legend label short
    legend = spec["config"].setdefault("legend", {})
    legend.setdefault("labelLimit", 0)
    return vlc.vegalite_to_png(spec, scale=scale)
