"""The Sweep page as the script st.navigation runs (see pages.py)."""

from playground.ui.sweep_page import main

main()
