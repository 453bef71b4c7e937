"""Arrays to figures: Plotly figure dicts (and PNG images) of a run, its network
and a sweep. No Streamlit."""
