"""The Lessons page as the script st.navigation runs (see pages.py); guarded like
app.py, so that a process importing it as its main module does not run the page."""

from playground.ui.lessons_page.page import main

if __name__ == "__main__":
    main()
