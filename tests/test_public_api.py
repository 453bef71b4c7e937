"""The package reaches into no private part of Plotly or Streamlit: no underscore
attributes (``gd._fullLayout``, ``st._config``), no ``Runtime.instance()``, no
``data-testid`` selectors (Streamlit's test ids are not a styling API: style by
``st.container(key=...)`` classes, or inside the component). A plain text search, so
that it also covers the JavaScript and CSS of the components."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "_fullLayout": re.compile(r"_fullLayout|_fullData"),
    "Runtime.instance": re.compile(r"Runtime\s*\.\s*instance\s*\("),
    "a data-testid selector": re.compile(r"data-testid"),
}
# The browser code touches only Plotly's and the page's objects: no `x._name` at all there.
# In Python, an underscore attribute of Streamlit or Plotly (our own objects' are the house
# rules' business: tests/layers.py).
UNDERSCORE = {
    ".js": re.compile(r"[\w$\])]\._"),
    ".py": re.compile(r"\b(st|streamlit|plotly|go|pio|components|config|runtime|Runtime|ctx)"
                      r"\.(?!__\w+__)_\w"),  # (dunders such as __file__ are public)
}
SOURCES = ("*.py", "*.js", "*.css", "*.html")


def violations(package: Path) -> list[str]:
    """``file:line: kind: text`` of every forbidden use under ``package``."""
    found = []
    for pattern in SOURCES:
        for path in sorted(package.rglob(pattern)):
            rules = {**FORBIDDEN}
            if path.suffix in UNDERSCORE:
                rules["an underscore attribute"] = UNDERSCORE[path.suffix]
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                for kind, regex in rules.items():
                    if regex.search(line):
                        found.append(f"{path.relative_to(package.parent)}:{number}: {kind}: "
                                     f"{line.strip()}")
    return found


def test_the_package_uses_only_public_plotly_and_streamlit():
    assert violations(ROOT / "playground") == []


def test_the_check_finds_each_kind(tmp_path):
    package = tmp_path / "playground"
    package.mkdir()
    (package / "a.js").write_text("const xa = gd._fullLayout.xaxis;\nconst o = xa._offset;\n")
    (package / "b.py").write_text("from streamlit.runtime import Runtime\n"
                                  "r = Runtime.instance()\nx = st._config\nself._ok = 1\n")
    (package / "c.css").write_text('[data-testid="stMetric"] { padding: 0; }\n')
    kinds = [line.split(": ")[1] for line in violations(package)]
    assert kinds.count("an underscore attribute") == 3  # gd._fullLayout, xa._offset, st._config
    assert {"_fullLayout", "Runtime.instance", "a data-testid selector"} <= set(kinds)
    assert not any("self._ok" in line for line in violations(package))
