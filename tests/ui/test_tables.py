"""tables.styler(tables.cell_styles(...)): what Streamlit sends for a table styled cell by cell is what pandas' own Styler gives."""
import pandas as pd
import pytest
from streamlit.elements.lib.pandas_styler_utils import marshall_styler
from streamlit.proto.Dataframe_pb2 import Dataframe

from giamngheo.ui.tables import cell_styles, styler


def _sent(sty) -> Dataframe:
    proto = Dataframe()
    sty.set_uuid("x")                          # pandas draws a random uuid for every Styler
    marshall_styler(proto.arrow_data, sty, "x")
    return proto


def _by_pandas(df, css):
    frame = pd.DataFrame("", index=df.index, columns=df.columns)
    for k, v in css.items():
        frame[k] = v
    return df.style.apply(lambda _: frame, axis=None)


TINT = "background-color: #e3f4e9"
BOLD = "background-color: #fdf1c7; font-weight: 700; border: 2px solid #1f4e79"


@pytest.mark.parametrize("numbers,last", [([1, 2, 3, 4], "đ"), (["1", "2a", "3", "4"], "đ"),
                                          ([1.5, 2.0, 3.25, 4.0], "đ"), ([1, 2, 3, 4], None)])
def test_styled_sends_what_pandas_styler_sends(numbers, last):
    df = pd.DataFrame({"Số": numbers, "Chỉ tiêu": ["a", "b", "c", "d"],
                       "A": ["Đạt · 1,2 %", "▲ Đúng hướng", "–", last], "B": ["x", "y", "z", "w"]})
    # repeated props grouped, an empty tint (a status without a colour), a cell with none, a column without styles
    css = {"A": [TINT, BOLD, "background-color: ", ""], "B": [BOLD, TINT, TINT, BOLD]}
    ours, theirs = _sent(styler(cell_styles(df, css))), _sent(_by_pandas(df, css))
    assert ours.arrow_data.styler.styles and ours.arrow_data.styler.styles.count("#T_x_row") == 7
    assert ours.SerializeToString() == theirs.SerializeToString()


def test_styled_groups_cells_with_the_same_style_in_pandas_order():
    df = pd.DataFrame({"A": ["1", "2"], "B": ["3", "4"]})
    sent = _sent(styler(cell_styles(df, {"A": [TINT, BOLD], "B": [BOLD, TINT]}))).arrow_data.styler.styles
    assert sent.splitlines() == [
        "#T_x_row0_col0, #T_x_row1_col1 { background-color: #e3f4e9 }",
        "#T_x_row0_col1, #T_x_row1_col0 { background-color: #fdf1c7; font-weight: 700; border: 2px solid #1f4e79 }"]


def test_the_styles_are_kept_but_every_run_gets_its_own_styler(monkeypatch):
    from giamngheo.ui import tables
    df = pd.DataFrame({"A": ["1", "2"], "B": ["3", "4"]})
    cs = tables.cell_styles(df, {"A": [TINT, BOLD], "B": [BOLD, TINT]})
    one, two = tables.styler(cs), tables.styler(cs)
    assert one is not two
    one.set_uuid("first")                     # what Streamlit does to a Styler it sends
    sent = _sent(two).arrow_data.styler.styles
    assert "first" not in sent and sent.count("#T_x_row") == 4
    assert "_translate" in vars(two)          # the styles worked out, not pandas' rendering
    # pandas without one of the two private methods Streamlit calls: pandas' own Styler
    from pandas.io.formats.style import Styler
    monkeypatch.setattr(Styler, "_translate", None)
    assert "_translate" not in vars(tables.styler(cs))


def test_rows_table_holds_what_the_pandas_table_held():
    import pyarrow as pa

    from giamngheo.ui.tables import rows_table
    rows = [{"Năm": "2025", "Tỷ lệ": "8,42", "±": "", "Số": 1, "x": 1.5},
            {"Năm": "2026", "Tỷ lệ": "7,90", "±": "−0,52", "Số": 2, "x": float("nan")},
            {"Năm": "2027", "Tỷ lệ": None, "±": "−0,40", "Số": 3, "x": 2.0, "late": "a column met later"}]
    got = rows_table(rows)
    assert got.column_names == ["Năm", "Tỷ lệ", "±", "Số", "x", "late"]
    assert got.schema.field("Năm").type == pa.large_string() and got.schema.field("Số").type == pa.int64()
    back = got.to_pandas()
    want = pd.DataFrame(rows)
    for c in want.columns:
        assert [None if v is None or v != v else v for v in back[c]] == \
            [None if v is None or v != v else v for v in want[c]], c
    assert rows_table(rows, ["Số", "Năm"]).column_names == ["Số", "Năm"]
    # a column of mixed kinds goes the way Streamlit converts a pandas table (no error, the same cells)
    mixed = rows_table([{"a": "x"}, {"a": 2}])
    assert mixed.num_rows == 2
    assert rows_table([], []).num_rows == 0



def _table_app():
    """A page drawing one table in a column: by st.dataframe or by tables.dataframe, as the session says."""
    import pandas as pd
    import streamlit as st

    from giamngheo.ui import tables
    df = pd.DataFrame({"Số": [1, 2, 3], "Chỉ tiêu": ["a", "b", "c"], "A": st.session_state["cells"]})
    css = {"A": ["background-color: #e3f4e9", "background-color: #fdf1c7; font-weight: 700", ""]}
    kwargs = dict(hide_index=True, width="stretch", row_height=66, height=tables.height(3),
                  column_config=tables.widths(df.columns, {"Số": 40}))
    st.session_state.setdefault("built", 0)

    def data():
        st.session_state["built"] += 1
        return tables.styler(tables.cell_styles(df, css))
    st.title("t")
    _, col = st.columns(2)
    with col:
        if st.session_state["how"] == "plain":
            st.dataframe(data(), **kwargs)
        else:
            tables.dataframe(("test-table", tuple(st.session_state["cells"])), data, **kwargs)


def _without_uuid(proto) -> bytes:
    """The element's bytes with its Styler's id (pandas draws a random one for every Styler) written as "u"."""
    p = type(proto)()
    p.CopyFrom(proto)
    sty = p.arrow_data.styler
    sty.styles, sty.uuid = sty.styles.replace(f"#T_{sty.uuid}", "#T_u"), "u"
    return p.SerializeToString()


def test_a_kept_table_sends_what_st_dataframe_sends_and_is_built_once_for_its_key():
    from streamlit.testing.v1 import AppTest

    from giamngheo.ui import tables
    tables._elements().clear()
    at = AppTest.from_function(_table_app)
    sent, built = {}, []
    for how, cells in (("plain", ("Đạt", "x", "y")), ("kept", ("Đạt", "x", "y")), ("kept", ("Đạt", "x", "y")),
                       ("kept", ("Chưa đạt", "x", "y")), ("kept", ("Chưa đạt", "x", "y")),
                       ("plain", ("Chưa đạt", "x", "y"))):
        at.session_state["how"], at.session_state["cells"] = how, list(cells)
        before = at.session_state["built"] if "built" in at.session_state else 0
        at.run()
        assert not at.exception
        (el,) = at.dataframe
        sent.setdefault(cells, []).append(el.proto)
        built.append(at.session_state["built"] - before)
    assert built == [1, 1, 0, 1, 0, 1]        # a kept table is built the first time its key is met, then sent as kept
    same, other = sent[("Đạt", "x", "y")], sent[("Chưa đạt", "x", "y")]
    # the same element as st.dataframe's (but for the Styler's random id); sent again as it was, byte for byte
    assert len({_without_uuid(p) for p in same}) == 1 and same[1].SerializeToString() == same[2].SerializeToString()
    assert len({_without_uuid(p) for p in other}) == 1 and other[0].SerializeToString() == other[1].SerializeToString()
    assert _without_uuid(same[0]) != _without_uuid(other[0])
    assert "font-weight: 700" in same[1].arrow_data.styler.styles and same[1].arrow_data.styler.display_values


def test_a_kept_table_falls_back_to_st_dataframe_when_streamlit_internals_move(monkeypatch):
    from streamlit.testing.v1 import AppTest

    from giamngheo.ui import tables
    tables._elements().clear()
    import streamlit.delta_generator_singletons as singletons
    monkeypatch.delattr(singletons, "get_dg_singleton_instance")
    at = AppTest.from_function(_table_app)
    at.session_state["how"], at.session_state["cells"] = "kept", ["a", "b", "c"]
    at.run()
    assert not at.exception and len(at.dataframe) == 1 and at.session_state["built"] == 1
    assert "background-color: #e3f4e9" in at.dataframe[0].proto.arrow_data.styler.styles


def _button_column_app():
    import pandas as pd
    import streamlit as st

    from giamngheo.ui import tables
    st.session_state.setdefault("built", 0)

    def data():
        st.session_state["built"] += 1
        return pd.DataFrame({"a": ["x", "y"], "b": [1, 2]})
    column = st.column_config.ButtonColumn("a", key="act", on_click=lambda: None) if st.session_state.get("keyed") \
        else st.column_config.ButtonColumn("a")
    tables.dataframe(("button-table",), data, column_config={"a": column})


def test_a_table_with_a_button_column_is_never_kept():
    """A button column is a widget of each session's own: the table goes through st.dataframe on every run."""
    from streamlit.testing.v1 import AppTest

    from giamngheo.ui import tables
    for keyed in (False, True):         # a plain button column, and one with a key and a callback (a widget)
        tables._elements().clear()
        at = AppTest.from_function(_button_column_app)
        at.session_state["keyed"] = keyed
        for n in (1, 2):
            at.run()
            assert not at.exception and len(at.dataframe) == 1
            assert at.session_state["built"] == n              # made again: not kept
        assert not any(k[0] == ("button-table",) for k in tables._elements().keys())


def test_only_plain_column_settings_let_a_table_be_kept():
    from giamngheo.ui import tables

    class Result:                       # what Streamlit makes of a keyed button column: not a plain setting
        key = "act"
    assert not tables._has_widgets({}) and not tables._has_widgets({"column_config": {"a": "A", "b": None}})
    assert not tables._has_widgets({"column_config": {"a": {"label": "A", "width": 40}}})
    assert tables._has_widgets({"column_config": {"a": {"type_config": {"type": "button"}}}})
    assert tables._has_widgets({"column_config": {"a": Result()}})
