"""The Streamlit user interface (the only part of the package that imports Streamlit)."""
