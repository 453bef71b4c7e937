"""The Code view renders the exported script with a download button."""

from streamlit.testing.v1 import AppTest


def _page(epochs, rate=None, known=True):
    import playground
    from playground.ui.playground_page.code_view import code_view

    run = playground.Trainer(dataset="xor")
    run.step(epochs)
    if rate:  # a live change, then on to twice the epochs
        run.update(run.config.replace(learning_rate=rate))
        run.step(epochs)
    if not known:  # as a run file saved without what changed
        run.load_state({**run.state(), "changes": None})
    code_view(run)


def test_code_view_shows_the_script_for_the_current_epoch():
    at = AppTest.from_function(_page, args=(0,)).run()
    assert not at.exception
    assert at.code[0].language == "python" and "def forward(" in at.code[0].value
    assert "EPOCHS = 300" in at.code[0].value and "300 epochs" in at.caption[0].value
    (button,) = at.get("download_button")
    assert button.key == "code_download" and button.label == "Download script"
    at = AppTest.from_function(_page, args=(42,)).run()
    assert "EPOCHS = 42" in at.code[0].value and "42 epochs" in at.caption[0].value


def test_code_view_says_how_many_changes_the_script_replays():
    at = AppTest.from_function(_page, args=(20, 0.1)).run()
    assert not at.exception
    assert "1 change during the run, replayed at their epochs" in at.caption[0].value
    assert "40 epochs" in at.caption[0].value
    assert '20: {"learning_rate": 0.1}' in at.code[0].value
    at = AppTest.from_function(_page, args=(20, 0.1, False)).run()
    assert "does not record what changed" in at.caption[0].value
    assert "CHANGES = {}" in at.code[0].value
