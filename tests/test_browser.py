"""JupyterLab in headless Chromium, as a learner uses it.

The first notebook runs to the end and shows the live layer graph (picture and
layer count), which keeps growing in a new cell; an exercise, filled in with its
solution, shows a checklist of ticks only. JupyterLab serves a copy of the
course, so running cells changes nothing in the repository. Screenshots go to
test-artifacts/.
"""

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from browser_support import ARTIFACTS, CHROMIUM, chromium_page, jupyterlab
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

pytestmark = [pytest.mark.browser, pytest.mark.timeout(420)]

ROOT = Path(__file__).resolve().parents[1]
START = "notebooks/00_start_here.ipynb"
EXERCISE = "01_functional_mlp.ipynb"
STDERR = "application/vnd.jupyter.stderr"  # JupyterLab renders stderr and tracebacks with it
PANEL = ".jp-NotebookPanel"
PROMPTS = f"{PANEL} .jp-CodeCell .jp-InputPrompt"
#: Bounds of the waits, in milliseconds.
OPEN_MS, START_MS, RUN_MS, DRAW_MS = 120_000, 20_000, 180_000, 30_000
RUN_ATTEMPTS = 3

CELLS_STARTED = (
    f"""() => [...document.querySelectorAll('{PROMPTS}')].some(p => /[*\\d]/.test(p.textContent))"""
)

ALL_CELLS_RAN = f"""() => {{
    const prompts = [...document.querySelectorAll('{PROMPTS}')];
    const idle = document.querySelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]');
    const stopped = document.querySelector('.jp-OutputArea-output[data-mime-type="{STDERR}"] .ansi-red-fg');
    const busy = prompts.some(p => p.textContent.includes('*'));
    return idle !== null && !busy && prompts.length > 0 &&
        (prompts.every(p => /\\[\\d+\\]/.test(p.textContent)) || stopped !== null);
}}"""

WIDGET_IMAGES = """() => [...document.querySelectorAll('.jp-OutputArea-output .jupyter-widgets img.widget-image')]
    .map(image => ({src: image.src, width: image.naturalWidth, height: image.naturalHeight}))"""

LABELS = """() => [...document.querySelectorAll('.jp-OutputArea-output .jupyter-widgets.widget-label')]
    .map(label => label.textContent)"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if not CHROMIUM.exists():
        message = f"the browser tests drive Debian's Chromium at {CHROMIUM}: apt-get install chromium"
        if os.environ.get("CI"):
            pytest.fail(message)  # never skipped in CI
        pytest.skip(message)
    course = tmp_path_factory.mktemp("course")
    shutil.copytree(
        ROOT / "notebooks", course / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints", "runs")
    )
    (course / "exercises").mkdir()
    shutil.copy(ROOT / "exercises" / EXERCISE, course / "exercises" / EXERCISE)
    with jupyterlab(course) as server:
        yield server


@pytest.fixture
def page():
    with chromium_page() as page:
        yield page


def open_notebook(page, lab, path):
    """Open ``path`` alone in a fresh JupyterLab workspace; wait for its kernel; focus it."""
    workspace = "test-" + re.sub(r"\W", "-", path)
    page.goto(lab.lab_url(path, workspace=workspace), timeout=OPEN_MS)
    page.wait_for_selector(f'{PANEL} .jp-Notebook-ExecutionIndicator[data-status="idle"]', timeout=OPEN_MS)
    assert page.locator(PANEL).count() == 1
    page.locator(
        f"{PANEL} .jp-Cell .jp-InputPrompt"
    ).first.click()  # menu commands act on the focused notebook


def menu(page, title, command):
    """Click a command of the menu bar, e.g. menu(page, "Run", "runmenu:run-all")."""
    page.click(f".lm-MenuBar-itemLabel:text-is('{title}')")
    page.click(f"li.lm-Menu-item[data-command='{command}']")


def run_all_cells(page):
    """Run > Run All Cells on a cleared notebook; wait for the kernel to finish."""
    menu(page, "Edit", "editmenu:clear-all")
    page.wait_for_function(
        f"() => [...document.querySelectorAll('{PROMPTS}')].every(p => !/\\d/.test(p.textContent))",
        polling=250,
        timeout=DRAW_MS,
    )
    for attempt in range(RUN_ATTEMPTS):
        menu(page, "Run", "runmenu:run-all")
        try:  # a run requested while the kernel (re)connects can be dropped: every prompt stays [ ]
            page.wait_for_function(CELLS_STARTED, polling=250, timeout=START_MS)
            break
        except PlaywrightTimeout:
            if attempt == RUN_ATTEMPTS - 1:
                raise
    try:
        page.wait_for_function(ALL_CELLS_RAN, polling=500, timeout=RUN_MS)
    except PlaywrightTimeout as error:  # the screenshot and the prompts say where it stuck
        shot = save_screenshot(page, "browser-stuck.png")
        kernel = page.eval_on_selector_all(
            ".jp-Notebook-ExecutionIndicator", "nodes => nodes.map(n => n.dataset.status)"
        )
        raise AssertionError(
            f"the cells did not finish within {RUN_MS // 1000} s: prompts {prompts(page)}, "
            f"kernel {kernel}; see {shot}"
        ) from error


def prompts(page):
    return page.eval_on_selector_all(PROMPTS, "nodes => nodes.map(node => node.textContent.trim())")


def problems_shown(page):
    """Text of every stderr output and traceback on the page."""
    return page.eval_on_selector_all(
        f'.jp-OutputArea-output[data-mime-type="{STDERR}"]', "nodes => nodes.map(node => node.textContent)"
    )


def assert_every_cell_ran_once_in_order(page):
    shown = prompts(page)
    assert not problems_shown(page), "\n---\n".join(problems_shown(page))
    assert shown == [f"[{count}]:" for count in range(1, len(shown) + 1)], shown


#: The live graph's status line starts with its size: "2 layers + 1 input".
SIZE = r"^(\d+) layers?(?: \+ (\d+) inputs?)?"


def layer_count(page):
    """(layers and inputs, label text) of the live graph's status line."""
    for text in page.evaluate(LABELS):
        found = re.match(SIZE, text)
        if found:
            return int(found.group(1)) + int(found.group(2) or 0), text
    raise AssertionError(
        f"no live graph status line ('N layers + K inputs ...') among {page.evaluate(LABELS)}"
    )


def drawn_images(page):
    return [image for image in page.evaluate(WIDGET_IMAGES) if image["width"] > 0 and image["height"] > 0]


def add_cell_and_run(page, code):
    """Append a code cell at the end of the notebook, type ``code`` into it and run it."""
    page.locator(f"{PANEL} .jp-CodeCell").last.locator(".jp-InputPrompt").click()
    page.keyboard.press("Escape")
    page.keyboard.press("b")
    page.keyboard.press("Enter")
    page.keyboard.insert_text(code)
    page.keyboard.press("Shift+Enter")


def bring_into_view(page, selector):
    """Scroll the first ``selector`` into view and wait until it is painted there (cells render lazily)."""
    for attempt in range(3):
        try:
            page.locator(selector).first.scroll_into_view_if_needed()
            break
        except PlaywrightError as error:  # the widget replaced the element while we scrolled: find it again
            if "not attached to the DOM" not in str(error) or attempt == 2:
                raise
    page.wait_for_function(
        """selector => {
            const element = document.querySelector(selector);
            if (!element) return false;
            const box = element.getBoundingClientRect();
            const seen = document.elementFromPoint(box.left + box.width / 2, box.top + Math.min(box.height / 2, 20));
            return seen !== null && (seen === element || element.contains(seen));
        }""",
        arg=selector,
        polling=250,
        timeout=DRAW_MS,
    )


def save_screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path))
    assert path.stat().st_size > 10_000  # a blank page compresses to less
    return path


def test_start_here_runs_in_jupyterlab_and_draws_the_live_graph(lab, page):
    open_notebook(page, lab, START)
    run_all_cells(page)
    assert_every_cell_ran_once_in_order(page)

    try:
        page.wait_for_function(
            f"() => ({WIDGET_IMAGES})().some(image => image.width > 0 && image.height > 0)",
            polling=250,
            timeout=DRAW_MS,
        )
    except PlaywrightTimeout as error:
        shot = save_screenshot(page, "browser-no-live-graph.png")
        raise AssertionError(
            f"no live graph picture within {DRAW_MS // 1000} s of the last cell ({START} should "
            f"turn it on with %load_ext kit); widget images {page.evaluate(WIDGET_IMAGES)}, "
            f"labels {page.evaluate(LABELS)}; see {shot}"
        ) from error
    images = drawn_images(page)
    assert images and all(image["src"] for image in images)
    layers, status = layer_count(page)
    assert layers >= 2, status

    bring_into_view(page, ".jupyter-widgets img.widget-image")
    save_screenshot(page, "browser-00_start_here.png")

    if "stopped" not in status:  # the graph is still live: a new layer shows up at once
        before = images[0]["src"]
        add_cell_and_run(
            page,
            "import keras\n"
            "browser_input = keras.Input((3,), name='browser_input')\n"
            "browser_dense = keras.layers.Dense(2, name='browser_dense')(browser_input)",
        )
        page.wait_for_function(
            f"() => ({LABELS})().some(text => {{ const m = text.match(/{SIZE}/); "
            f"return m !== null && Number(m[1]) + Number(m[2] || 0) === {layers + 2}; }})",
            polling=250,
            timeout=DRAW_MS,
        )
        page.wait_for_function(
            f"() => ({WIDGET_IMAGES})().some(image => image.src !== {json.dumps(before)} && image.width > 0)",
            polling=250,
            timeout=DRAW_MS,
        )
        assert not problems_shown(page), problems_shown(page)
        bring_into_view(page, ".jupyter-widgets img.widget-image")
        save_screenshot(page, "browser-00_start_here-grown.png")


def solution_of(exercise_name):
    """The source of the instructor notebook's solution cell."""
    source = json.loads((ROOT / "exercises" / "source" / exercise_name).read_text(encoding="utf-8"))
    cells = [cell for cell in source["cells"] if cell.get("metadata", {}).get("nbgrader", {}).get("solution")]
    assert len(cells) == 1, f"{exercise_name} should have one solution cell"
    return "".join(cells[0]["source"])


def test_exercise_with_its_solution_shows_only_ticks(lab, page):
    open_notebook(page, lab, f"exercises/{EXERCISE}")
    stub = page.locator(f"{PANEL} .jp-CodeCell", has_text="raise NotImplementedError()")
    stub.first.wait_for(timeout=OPEN_MS)
    assert stub.count() == 1
    stub.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(solution_of(EXERCISE))
    page.keyboard.press("Escape")

    run_all_cells(page)
    assert_every_cell_ran_once_in_order(page)
    checklist = page.locator(".jp-OutputArea-output .kit-check")
    checklist.wait_for(timeout=DRAW_MS)
    text = checklist.inner_text()
    ticks, crosses = text.count("✓"), text.count("✗")
    assert crosses == 0 and ticks >= 3, text
    assert f"passed, all {ticks} requirements hold" in text, text

    bring_into_view(page, ".jp-OutputArea-output .kit-check")
    save_screenshot(page, "browser-exercise-checklist.png")
