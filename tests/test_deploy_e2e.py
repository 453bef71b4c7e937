"""Past one machine: two app processes behind nginx (deploy/), driven through the proxy
by headless Chromium. Everything listens on 127.0.0.1 and is stopped here."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import App
from harness import ROOT, StreamlitServer, free_port

pytestmark = pytest.mark.e2e
DEPLOY = ROOT / "deploy"


def _render(*args) -> str:
    import importlib.util

    spec = importlib.util.spec_from_file_location("render", DEPLOY / "render.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.render(*args)


def test_the_compose_config_is_the_template_rendered():
    # deploy/nginx.compose.conf is generated: it must not drift from the template
    text = _render("/tmp/nginx", "0.0.0.0:80", ["app1:8501", "app2:8501"])
    assert (DEPLOY / "nginx.compose.conf").read_text() == text


@pytest.fixture
def proxy(tmp_path):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.fail("nginx not found: install Debian's nginx (.ci/run does)")
    apps = [StreamlitServer(), StreamlitServer()]
    port = free_port()
    prefix = tmp_path / "nginx"
    prefix.mkdir()
    conf = prefix / "nginx.conf"
    conf.write_text(_render(str(prefix), f"127.0.0.1:{port}",
                            [f"127.0.0.1:{a.port}" for a in apps]))
    proc = subprocess.Popen([nginx, "-p", str(prefix), "-c", str(conf), "-e",
                             str(prefix / "error.log")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(url + "_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((prefix / "error.log").read_text()) from None
                time.sleep(0.1)
        yield url, apps, prefix
    finally:
        proc.terminate()
        proc.wait(10)
        for a in apps:
            a.stop()


def test_pages_through_the_proxy_stick_to_one_process_each(proxy, browser):
    url, apps, prefix = proxy
    pages = [App(browser, url) for _ in range(4)]  # four browsers: four sessions
    try:
        for page in pages:
            page.click("step")
        for page in pages:  # the websocket works through the proxy: Step trains
            page.wait_until(lambda p=page: p.epoch() == 1, what="a step through the proxy")
            page.assert_no_errors()
    finally:
        for page in pages:
            page.close()
    deadline = time.monotonic() + 10  # a websocket is logged once it has closed
    while (prefix / "access.log").read_text().count("/_stcore/stream") < 4 and \
            time.monotonic() < deadline:
        time.sleep(0.2)
    log = (prefix / "access.log").read_text()
    by_key: dict[str, set] = {}
    for upstream, key in re.findall(r"upstream=(\S+) key=(\S+)", log):
        by_key.setdefault(key, set()).add(upstream)
    browsers = {k: ups for k, ups in by_key.items() if len(re.findall(k, log)) > 3}
    assert len(browsers) >= 4, by_key  # the pages' many requests, each under its key
    # every browser talked to one process only, its websocket included
    assert all(len(ups) == 1 for ups in browsers.values()), browsers
    assert log.count("/_stcore/stream") >= 4
    # new browsers (no cookie yet) are spread over both processes
    for _ in range(30):
        with urllib.request.urlopen(url + "_stcore/health", timeout=5) as r:
            assert r.status == 200
    log = (prefix / "access.log").read_text()
    used = set(re.findall(r"upstream=(\S+) key=", log))
    assert used == {f"127.0.0.1:{a.port}" for a in apps}, used
