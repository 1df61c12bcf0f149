"""The HTML report opened in a real headless browser (Debian's ``chromium``).

One real release run (the demo table, fast training) writes ``report.html``; chromium then
loads it from disk three times: ``--dump-dom`` (no console message, no network request, every
section, the verdict and the guarantee in the rendered DOM), ``--screenshot`` (written to
``build/test-output/report-first-page.png``) and ``--print-to-pdf`` (``build/test-output/
report.pdf``: the print CSS starts every section on a new page).

``make test`` installs chromium first where it can (``scripts/ensure-chromium.sh``: root with
apt-get); elsewhere these tests are skipped with the command that installs it.

How errors are seen: this chromium logs every console message as ``INFO:CONSOLE`` whatever its
level, and headless mode does not log failed loads. The report has no scripts, so any console
message at all can only come from the browser itself (a failed load, a parse or policy error)
and counts as an error. Network use is read from chromium's NetLog (``--log-net-log``): every
request made for the page carries the ``file://`` page as its network isolation key, or its
opaque origin as initiator (the browser's own background requests carry neither). Host names
resolve to nothing, so nothing leaves the machine either way. A deliberately broken page checks
that both detectors fire.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from clearance.config import RunConfig, TrainingSettings
from clearance.demo_data import demo_schema
from clearance.pipeline import run_release
from reports import Report, load_report_json, report_from_dict

BROWSERS = ("chromium", "chromium-browser")
TIMEOUT_S = 60
OUTPUT_DIR = Path(__file__).resolve().parents[1] / "build" / "test-output"
FAST = TrainingSettings(epochs=3, logical_batch_size=128, max_physical_batch_size=128)
INSTALL_HINT = (
    "chromium is not installed, so the report's browser check is skipped; install it with "
    "`apt-get install chromium` (Debian/Ubuntu, as root) or run `make test` as root, whose "
    "scripts/ensure-chromium.sh installs it"
)
# Quiet, offline, and no state shared with any other chromium (each call has its own profile).
BASE_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-sync",
    "--disable-background-networking",
    "--disable-component-update",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)
CONSOLE_ERROR = re.compile(r":CONSOLE|Uncaught|Failed to load resource")
PDF_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


@pytest.fixture(scope="module")
def chromium() -> str:
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    pytest.skip(INSTALL_HINT)


def _browse(chromium: str, url: str, work: Path, *flags: str) -> tuple[str, str, list[str]]:
    """Run chromium once on ``url``: (stdout, stderr, URLs the page requested over the network)."""
    work.mkdir(parents=True, exist_ok=True)
    net_log = work / "netlog.json"
    command = [
        chromium, *BASE_FLAGS, f"--user-data-dir={work / 'profile'}",
        f"--log-net-log={net_log}", *flags, url,
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        pytest.fail(f"chromium did not finish within {TIMEOUT_S} s: {' '.join(command)}")
    assert done.returncode == 0, f"chromium exited with {done.returncode}:\n{done.stderr[-3000:]}"
    return done.stdout, done.stderr, _page_requests(net_log)


def _page_requests(net_log: Path) -> list[str]:
    """URLs chromium fetched over the network on behalf of a file:// page (from its NetLog)."""
    assert net_log.is_file(), "chromium wrote no NetLog"
    events = json.loads(net_log.read_text(encoding="utf-8"))["events"]
    return sorted({
        params["url"]
        for event in events
        if (params := event.get("params") or {}).get("url") and _for_a_file_page(params)
    })


def _for_a_file_page(params: dict) -> bool:
    """A request made for a file:// page: keyed to it, or initiated by it (an opaque origin)."""
    key, initiator = str(params.get("network_isolation_key", "")), params.get("initiator")
    return key.startswith("file://") or initiator == "null" or str(initiator).startswith("file:")


def _console_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if CONSOLE_ERROR.search(line)]


class _Dom(HTMLParser):
    """Element ids, the text under each id'd element, and all text of a rendered page."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: dict[str, str] = {}
        self.attrs: list[tuple[str, dict[str, str | None]]] = []
        self._open: list[tuple[str, str | None]] = []
        self._text: dict[str, list[str]] = {}
        self._all: list[str] = []
        self.feed(html)
        self.close()
        self.ids = {k: " ".join("".join(v).split()) for k, v in self._text.items()}
        self.text = " ".join("".join(self._all).split())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.attrs.append((tag, found))
        if tag in ("meta", "link", "br", "img", "input", "hr", "col", "source", "wbr"):
            return
        element_id = found.get("id")
        if element_id:
            self._text.setdefault(element_id, [])
        self._open.append((tag, element_id))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] == tag:
                del self._open[i:]
                break

    def handle_data(self, data: str) -> None:
        self._all.append(data)
        for _, element_id in self._open:
            if element_id:
                self._text[element_id].append(data)


def _normal(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def released_report(chromium, tmp_path_factory, demo_table, detector) -> tuple[Report, Path]:
    """A real run's report.html and its Report, loaded back from the run's report.json."""
    tmp = tmp_path_factory.mktemp("browser")
    data, schema = tmp / "admissions.csv", tmp / "schema.json"
    demo_table.to_csv(data, index=False)
    demo_schema().save(schema)
    config = RunConfig(input_path=data, out_dir=tmp / "release", epsilon=1.0, schema_path=schema,
                       seed=3, training=FAST)
    outcome = run_release(config, detector=detector)
    assert outcome.release_dir is not None, "the demo run was refused"
    report = report_from_dict(load_report_json(outcome.release_dir / "report.json"))
    return report, outcome.release_dir / "report.html"


def test_the_checks_catch_a_broken_page(chromium, tmp_path):
    """Control: a page with a script error and remote resources trips both detectors."""
    page = tmp_path / "broken.html"
    page.write_text(
        '<!DOCTYPE html><html><head><link rel="stylesheet" href="https://example.com/x.css">'
        '</head><body><img src="https://example.com/x.png"><script>notDefined();</script>'
        "</body></html>",
        encoding="utf-8",
    )
    _, stderr, requested = _browse(chromium, page.as_uri(), tmp_path / "run", "--dump-dom",
                                   "--enable-logging=stderr", "--v=0")
    assert any("Uncaught" in line for line in _console_errors(stderr)), stderr[-3000:]
    assert {"https://example.com/x.css", "https://example.com/x.png"} <= set(requested)


def test_report_renders_with_no_console_error_no_network_and_every_section(
    chromium, released_report, tmp_path
):
    report, html = released_report
    dom_html, stderr, requested = _browse(chromium, html.as_uri(), tmp_path / "dom",
                                          "--dump-dom", "--enable-logging=stderr", "--v=0")
    assert not _console_errors(stderr), "\n".join(_console_errors(stderr))
    assert not requested, f"the report fetched from the network: {requested}"
    dom = _Dom(dom_html)
    assert len(dom_html) > 10_000 and "</html>" in dom_html, "chromium dumped no rendered page"

    # nothing to load: no scripts, frames or external resources, links only within the page
    loaders = [(t, a) for t, a in dom.attrs if t in ("script", "iframe", "object", "embed", "img")]
    assert not loaders, loaders
    links = [a.get("href") for t, a in dom.attrs if t in ("a", "link") and a.get("href")]
    assert links and all(h.startswith("#") for h in links), links
    assert "url(" not in dom_html.replace("url(#", "")  # CSS/SVG may only reference #ids

    assert report.sections, "the report has no sections"
    for number, section in enumerate(report.sections, start=1):
        anchor = f"sec-{section.section_id}"
        assert anchor in dom.ids, f"section {section.section_id!r} missing from the rendered page"
        heading = dom.ids.get(f"{anchor}-h", "")
        assert heading == f"{number}{_normal(section.title)}", heading
    assert "provenance" in dom.ids
    assert all(f"#sec-{s.section_id}" in links for s in report.sections)  # table of contents

    verdict = report.verdict.value.upper()
    badge = [a for t, a in dom.attrs if "verdict" in (a.get("class") or "").split()]
    assert badge and badge[0].get("aria-label") == f"Verdict: {verdict}", badge
    assert f"Verdict {verdict}" in dom.text
    assert _normal(report.guarantee) in dom.text
    assert _normal(report.title) in dom.text


def test_report_screenshot_is_written_to_the_test_output(chromium, released_report, tmp_path):
    _, html = released_report
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    shot = OUTPUT_DIR / "report-first-page.png"
    shot.unlink(missing_ok=True)
    _, stderr, requested = _browse(chromium, html.as_uri(), tmp_path / "shot",
                                   f"--screenshot={shot}", "--window-size=1280,4000",
                                   "--hide-scrollbars")
    print(f"\nreport screenshot: {shot}")
    assert shot.is_file(), f"no screenshot written:\n{stderr[-3000:]}"
    head = shot.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    assert (width, height) == (1280, 4000)
    assert shot.stat().st_size > 10_000, f"screenshot is only {shot.stat().st_size} bytes"
    assert not requested


def test_report_prints_to_pdf_with_a_page_per_section(chromium, released_report, tmp_path):
    report, html = released_report
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    pdf = OUTPUT_DIR / "report.pdf"
    pdf.unlink(missing_ok=True)
    _, stderr, _ = _browse(chromium, html.as_uri(), tmp_path / "pdf",
                           f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    print(f"\nreport PDF: {pdf}")
    assert pdf.is_file(), f"no PDF written:\n{stderr[-3000:]}"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    pages = len(PDF_PAGE.findall(data))
    # cover and checks, then each section and the provenance on pages of their own
    assert pages > 1
    assert pages >= len(report.sections) + 2, f"{pages} pages for {len(report.sections)} sections"
