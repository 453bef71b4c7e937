"""Neural Playground: `streamlit run app.py` (the playground, and the Sweep page)."""

from playground.ui.pages import main

main()
