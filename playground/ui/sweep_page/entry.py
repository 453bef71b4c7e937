"""The Sweep page as the script st.navigation runs (see pages.py); like app.py, guarded
so that a spawned worker importing it as its main module does not run the page."""

from playground.ui.sweep_page.page import main

if __name__ == "__main__":
    main()
