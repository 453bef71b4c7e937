"""Neural Playground: `streamlit run app.py`."""

from playground.ui.app import main

main()
