"""A chart's download buttons (giamngheo/ui/chart.py ``download_button``) are what ``st.download_button`` makes
of the same arguments: the element sent, the widget in the session, a duplicate key refused."""
from streamlit.testing.v1 import AppTest


def _script():
    import streamlit as st

    from giamngheo.ui.chart import download_button
    mine = st.session_state.get("mine", False)
    for where, target in (("main", st), ("col", st.columns(2)[1]), ("side", st.sidebar)):
        box = target.container(horizontal=True, gap="small")
        with box:
            for label, mime, help in (("PNG", "image/png", "Tải ảnh PNG\n  của biểu đồ"), ("CSV", "text/csv", "CSV")):
                key, name = f"{label.lower()}-{where}", f"chart-{where}.{label.lower()}"
                if mine:
                    download_button(box, label, lambda: b"x", file_name=name, mime=mime, key=key, help=help)
                else:
                    st.download_button(label, data=lambda: b"x", help=help, file_name=name, mime=mime, key=key,
                                       on_click="ignore", icon=":material/download:", type="tertiary", width="content")


def _sent(mine: bool) -> tuple[list, list]:
    at = AppTest.from_function(_script, default_timeout=60)
    at.session_state["mine"] = mine
    at.run()
    assert not at.exception
    buttons = at.get("download_button")
    assert len(buttons) == 6
    # the element as the browser gets it, but for the deferred file's id: a new random one in every run
    out = []
    for b in buttons:
        p = type(b.proto)()
        p.CopyFrom(b.proto)
        assert len(p.deferred_file_id) == 32 and not p.url
        p.ClearField("deferred_file_id")
        out.append(p.SerializeToString())
    return out, [b.proto.id for b in buttons]


def test_the_chart_download_button_is_streamlits_own_element():
    theirs, ids = _sent(False)
    mine, my_ids = _sent(True)
    assert mine == theirs and my_ids == ids and len(set(ids)) == 6


def test_the_chart_download_button_is_the_same_widget_in_the_session():
    states = []
    for mine in (False, True):
        at = AppTest.from_function(_script, default_timeout=60)
        at.session_state["mine"] = mine
        at.run()
        at.run()                                        # and again: its state as the next run has it
        assert not at.exception
        states.append({k: at.session_state[k] for k in ("png-main", "csv-col", "png-side")})
    assert states[0] == states[1] == {"png-main": False, "csv-col": False, "png-side": False}


def test_a_duplicate_key_is_still_an_error():
    def twice():
        import streamlit as st
        from streamlit.errors import StreamlitDuplicateElementKey

        from giamngheo.ui.chart import download_button
        try:
            for _ in range(2):
                download_button(st, "PNG", lambda: b"x", file_name="a.png", mime="image/png", key="png-a", help="h")
        except StreamlitDuplicateElementKey as e:
            st.session_state["refused"] = str(e)
    at = AppTest.from_function(twice, default_timeout=60).run()
    assert "png-a" in at.session_state["refused"] and len(at.get("download_button")) == 1


def test_without_streamlits_parts_it_is_st_download_button(monkeypatch):
    from giamngheo.ui import chart
    missing = chart._Download()
    missing.ok = False                         # as after a Streamlit upgrade that moved one of them
    monkeypatch.setattr(chart, "_DOWNLOAD", missing)
    theirs, ids = _sent(False)
    mine, my_ids = _sent(True)
    assert mine == theirs and my_ids == ids


def test_a_part_that_moved_is_found_before_any_button(monkeypatch):
    """Another Streamlit, or a function this calls without a keyword it passes: decided when the parts are
    gathered, so that no button is half registered before it fails (st.download_button then)."""
    import streamlit
    from streamlit.elements.widgets import button

    from giamngheo.ui import chart
    assert chart._Download().ok
    monkeypatch.setattr(streamlit, "__version__", "1.68.0")
    assert not chart._Download().ok
    monkeypatch.setattr(streamlit, "__version__", "1.67.0")

    def marshall_file(coordinates, data, proto_download_button, mimetype, file_name=None):
        raise AssertionError("never called")
    with monkeypatch.context() as m:                # moved while the parts are gathered, then Streamlit's own
        m.setattr(button, "marshall_file", marshall_file)
        moved = chart._Download()
    assert not moved.ok
    monkeypatch.setattr(chart, "_DOWNLOAD", moved)
    theirs, ids = _sent(False)
    mine, my_ids = _sent(True)
    assert mine == theirs and my_ids == ids


def test_a_session_the_agent_api_records_gets_st_download_button(monkeypatch):
    import streamlit as st

    from giamngheo.ui import chart
    calls = []
    real = st.download_button

    def counted(*a, **k):
        calls.append(k["key"])
        return real(*a, **k)
    monkeypatch.setattr(st, "download_button", counted)
    parts = chart._Download()
    monkeypatch.setattr(chart, "_DOWNLOAD", parts)
    _sent(True)
    assert calls == []                          # not recorded: its own element
    monkeypatch.setattr(parts, "recording", lambda: True)
    _sent(True)
    assert sorted(calls) == sorted(["png-main", "csv-main", "png-col", "csv-col", "png-side", "csv-side"])
