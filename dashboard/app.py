"""CNN Lab entry point: ``python -m streamlit run dashboard/app.py`` from the repository root.

Builds the navigation and the sidebar shared by every page, and runs the page inside the one
error boundary (``dashboard.errors``). Heavy libraries (torch) are imported by the pages that
need them, so the home page paints without them.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run dashboard/app.py` puts only dashboard/ on sys.path; the pages import `core`
# and `dashboard` as packages from the repository root.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard import blas, errors, heap, i18n, links, navigation, sidebar  # noqa: E402

st.set_page_config(page_title="CNN Lab", page_icon=":material/neurology:", layout="wide")

links.start()  # the first run's address, checked once the view is drawn
i18n.resolve()  # before any text: the page titles below are in the chosen language
current = st.navigation(navigation.sections())
st.session_state[navigation.PAGE_KEY] = current.url_path or "home"
with errors.boundary("sidebar"):
    sidebar.render()
notice = st.empty()  # above the page: what a link asked for that the view could not take
with errors.boundary(f"page {current.url_path or 'home'}"):
    links.run_page(current, notice)
# the page has imported what it needs: keep the collection Streamlit runs after every run
# cheap (dashboard.heap), and numpy's and SciPy's BLAS on one thread each (dashboard.blas)
heap.freeze_imports()
blas.limit()
