"""The Code view renders the exported script with a download button."""

from streamlit.testing.v1 import AppTest


def _page(epochs):
    import playground
    from playground.ui.playground_page.code_view import code_view

    code_view(playground.Config(dataset="xor"), epochs)


def test_code_view_shows_the_script_for_the_current_epoch():
    at = AppTest.from_function(_page, args=(0,)).run()
    assert not at.exception
    assert at.code[0].language == "python" and "def forward(" in at.code[0].value
    assert "EPOCHS = 300" in at.code[0].value and "300 epochs" in at.caption[0].value
    (button,) = at.get("download_button")
    assert button.key == "code_download" and button.label == "Download script"
    at = AppTest.from_function(_page, args=(42,)).run()
    assert "EPOCHS = 42" in at.code[0].value and "42 epochs" in at.caption[0].value
