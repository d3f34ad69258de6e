"""The Streamlit side of CNN Lab that is not a page: navigation, state, caches, widgets, charts."""
