"""CNN Lab core: models, data and visualisation algorithms. Never imports streamlit or plotly."""
