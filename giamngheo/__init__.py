"""giamngheo: the plan as data, sourced observations, projections and a verdict for every target.

The core never imports Streamlit; the app (app.py, app_pages/, giamngheo/ui/) draws what it computes.
"""
__version__ = "0.1.0"
