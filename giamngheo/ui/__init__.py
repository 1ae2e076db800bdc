"""The few Streamlit helpers shared by app.py and the pages (the only place that imports Streamlit)."""
