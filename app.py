"""Neural Playground: `streamlit run app.py` (the playground, and the Sweep page).

Streamlit runs this file as ``__main__``; a sweep's worker processes (spawned) import it
as ``__mp_main__``, and the guard keeps them from running the app.
"""

from playground.ui.pages import main

if __name__ == "__main__":
    main()
