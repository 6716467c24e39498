"""Real-browser tests: every notebook in JupyterLab and in Voila, in headless Chromium.

Run with ``make browser-test`` (needs Debian's ``chromium``; ``.ci/run`` installs it).  For each
notebook: open it, run all cells, change one widget and assert that what the widget shows changed.
Voila must render the same notebooks with code hidden and working widgets.  Scraped text with
``<script>`` and markup must show as text, never run.  Screenshots go to reports/screenshots/.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from helpers import paths

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.browser
if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError("Chromium is missing: .ci/run must install Debian's chromium for the browser tests")
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

playwright = pytest.importorskip("playwright.sync_api")
expect = playwright.expect

BIN = Path(sys.executable).parent
TOKEN = "techreg-test"
SHOTS = paths.REPORTS_DIR / "screenshots"
CHROME_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 120_000

# notebook -> (text the widget summary shows after Run All, action, text expected after the action)
CASES = {
    "00-start-here.ipynb": ("articles selected", ("dropdown", "Sino Markets Daily"), "11 articles selected"),
    "01-policy-timeline.ipynb": ("extracted events", ("toggle", "reference"), "0 extracted events"),
    "02-entity-frequency.ipynb": ("entities named", ("dropdown", "company"), None),
    "03-boilerplate-vs-content.ipynb": ("articles match", ("dropdown", "paywall"), None),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, timeout=90):
    start = time.time()
    while time.time() - start < timeout:
        try:
            if check():
                return
        except Exception:
            pass
        time.sleep(0.2)
    raise TimeoutError("server did not come up")


def jupyter_env(home: Path) -> dict:
    settings = home / "settings"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "overrides.json").write_text(json.dumps(
        {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False}}))
    return dict(os.environ, JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
                JUPYTERLAB_SETTINGS_DIR=str(home / "user-settings"), JUPYTERLAB_WORKSPACES_DIR=str(home / "ws"),
                TECHREG_REPORTS_DIR=str(Path(tempfile.mkdtemp(prefix="techreg-reports-"))))


def start(cmd, env, log):
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=open(log, "w"), env=env, start_new_session=True)


def stop(proc):
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def browser():
    SHOTS.mkdir(parents=True, exist_ok=True)
    with playwright.sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(tempfile.mkdtemp(prefix="chromium-"), executable_path=CHROMIUM,
                                                        headless=True, args=CHROME_ARGS,
                                                        viewport={"width": 1300, "height": 1000})
        yield context
        context.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    home = tmp_path_factory.mktemp("jhome")
    env = jupyter_env(home)
    port = free_port()
    # a copy: JupyterLab autosaves, and the committed notebooks must stay without outputs
    root = tmp_path_factory.mktemp("notebooks")
    for nb in (paths.PROJECT_ROOT / "notebooks").glob("*.ipynb"):
        shutil.copy(nb, root / nb.name)
    proc = start([str(BIN / "jupyter-lab"), "--no-browser", "--ip=127.0.0.1", f"--port={port}",
                  f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root}",
                  f"--LabServerApp.app_settings_dir={home / 'settings'}", "--LabApp.news_url=None", "--allow-root"],
                 env, home / "lab.log")
    try:
        wait_until(lambda: urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={TOKEN}", timeout=2))
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)


def act(page, action):
    kind, value = action
    if kind == "dropdown":
        page.locator(".widget-dropdown select").first.select_option(label=value)
    else:
        page.locator(".widget-toggle-button", has_text=value).first.click()


def summary_locator(page, text):
    return page.locator(".widget-html-content", has_text=text).first


def change_widget_and_check(page, summary, action, expected, shot: str):
    """Screenshot, change one widget, assert the summary it drives changed, screenshot again."""
    before = summary.inner_text()
    summary.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"{shot}-before.png"))
    act(page, action)
    if expected:
        expect(summary).to_contain_text(expected)
    else:
        expect(summary).not_to_have_text(before)
    page.wait_for_timeout(500)
    page.screenshot(path=str(SHOTS / f"{shot}-after.png"))


@pytest.mark.parametrize("notebook", list(CASES))
def test_notebook_in_jupyterlab(browser, lab, notebook):
    ready_text, action, expected = CASES[notebook]
    page = browser.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        page.goto(f"{lab}/lab/tree/{notebook}?token={TOKEN}&reset")
        page.wait_for_selector(".jp-Notebook .jp-Cell", state="visible")
        page.wait_for_selector("#jp-main-statusbar >> text=Idle")
        page.locator(".jp-Notebook").first.click()
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        summary = summary_locator(page, ready_text)
        summary.wait_for()
        page.wait_for_selector("#jp-main-statusbar >> text=Idle")
        assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']",
                            has_text="Traceback").count() == 0
        change_widget_and_check(page, summary, action, expected, f"lab-{Path(notebook).stem}")
    finally:
        page.close()


def run_voila(notebook: Path, home: Path):
    env = jupyter_env(home)
    port = free_port()
    proc = start([str(BIN / "voila"), "--no-browser", "--Voila.ip=127.0.0.1", f"--port={port}", str(notebook)],
                 env, home / "voila.log")

    def port_open():
        socket.create_connection(("127.0.0.1", port), 1).close()
        return True

    wait_until(port_open)
    return proc, f"http://127.0.0.1:{port}/"


@pytest.mark.parametrize("notebook", list(CASES))
def test_notebook_as_voila_dashboard(browser, tmp_path, notebook):
    ready_text, action, expected = CASES[notebook]
    proc, url = run_voila(paths.PROJECT_ROOT / "notebooks" / notebook, tmp_path)
    page = browser.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        page.goto(url, wait_until="commit")  # the page streams while the kernel runs
        summary = summary_locator(page, ready_text)
        summary.wait_for()
        assert "from helpers" not in page.locator("body").inner_text()  # code is hidden
        change_widget_and_check(page, summary, action, expected, f"voila-{Path(notebook).stem}")
    finally:
        page.close()
        stop(proc)


EVIL_TITLE = "<script>window.__xss_title=1</script>Evil <b>bold</b> headline"
EVIL_PARAGRAPH = ("<img src=x onerror=\"window.__xss_para=1\"> The Cyberspace Administration of China said on Friday "
                  "that it fined the company, a <script>window.__xss_script=1</script> statement said.")


def test_untrusted_text_shows_as_text(browser, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "evil.txt").write_text(f"Jul 26, 2021 06:10 PM\n\n{EVIL_TITLE}\n\n{EVIL_PARAGRAPH}\n\nShare this article\n")
    notebook = tmp_path / "03-evil.ipynb"
    nb = nbformat.read(paths.PROJECT_ROOT / "notebooks" / "03-boilerplate-vs-content.ipynb", as_version=4)
    for cell in nb.cells:
        if "parameters" in cell.metadata.get("tags", []):
            cell.source = cell.source.replace("CORPUS_DIR = None", f"CORPUS_DIR = {str(corpus)!r}").replace(
                "EXPORT_CLEAN = True", "EXPORT_CLEAN = False")
    nbformat.write(nb, notebook)
    proc, url = run_voila(notebook, tmp_path)
    page = browser.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        page.goto(url, wait_until="commit")
        summary_locator(page, "articles match").wait_for()
        page.wait_for_timeout(1000)
        assert page.evaluate("[window.__xss_title, window.__xss_para, window.__xss_script]") == [None, None, None]
        body = page.locator("body").inner_text()
        assert "<script>window.__xss_title=1</script>" in body  # shown as text in the article viewer
        assert '<img src=x onerror="window.__xss_para=1">' in body
        page.screenshot(path=str(SHOTS / "voila-untrusted-text.png"), full_page=True)
    finally:
        page.close()
        stop(proc)
