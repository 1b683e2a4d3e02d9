"""Journeys: a person's whole errand on the public site, in Chromium, through a real server.

- `journey_site` (package scope): the demo site, loaded once into a database of its own
  (`<test database>_journeys` on PostgreSQL, a file on SQLite), served by uvicorn as production
  runs it, with e-mail written to files the tests read (`journey_site.mail_to(address)`).
  Set-up that is not the journey itself goes through `journey_site.django(code)`, which runs
  Python with Django against that database in a process of its own.
- `journey`: one browser tab for one test, at phone (390×844, touch) or desktop (1366×900)
  width, in ru, en or zh-hans. Every test that takes `journey` runs six times, once per width
  and language; `@pytest.mark.journey_languages("ru")` or `@pytest.mark.journey_widths("phone")`
  narrow that for a test that has a reason.

A journey taps what a person taps (`journey.tap(locator)`), and a control that is hidden, off
screen or covered by another element fails the test at once. Every page the journey reaches is
checked before the journey acts on it, and at the end: nothing wider than the viewport,
axe-core finds no WCAG 2.1 A/AA violation, and no script error or CSP violation was reported.
"""

import email
import email.policy
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import CHROMIUM, AsgiServer

BASE_DIR = Path(settings.BASE_DIR)
AXE = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
    },
    "desktop": {"viewport": {"width": 1366, "height": 900}},
}
BROWSER_LOCALES = {"ru": "ru-RU", "en": "en-GB", "zh-hans": "zh-CN"}
JOURNEY_PASSWORD = "journey-" + uuid.uuid4().hex
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_configure(config):
    config.addinivalue_line("markers", "journey_languages(*codes): run a journey in these only")
    config.addinivalue_line("markers", "journey_widths(*names): run a journey at these only")


def pytest_generate_tests(metafunc):
    if "journey" not in metafunc.fixturenames:
        return
    languages = [code for code, _name in settings.LANGUAGES]
    widths = list(WIDTHS)
    if marker := metafunc.definition.get_closest_marker("journey_languages"):
        languages = list(marker.args)
    if marker := metafunc.definition.get_closest_marker("journey_widths"):
        widths = list(marker.args)
    params = [(language, width) for width in widths for language in languages]
    metafunc.parametrize(
        "journey", params, indirect=True, ids=[f"{lang}-{width}" for lang, width in params]
    )


class JourneySite:
    """The demo site in a server process of its own, with its database and mailbox."""

    def __init__(self, root):
        self.root = root
        self.maildir = root / "mail"
        self.maildir.mkdir()
        self.password = JOURNEY_PASSWORD
        self.env = {
            "DATABASE_URL": self._database_url(),
            # django-environ drops the first slash of a filemail path: give it one more.
            "EMAIL_URL": f"filemail:///{self.maildir}",
            "MEDIA_ROOT": str(root / "media"),
            "PRIVATE_MEDIA_ROOT": str(root / "private"),
            "DEMO_PASSWORD": self.password,
            "DEBUG": "true",
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            # Every journey comes from 127.0.0.1: the per-client limits are tested elsewhere.
            "RATE_LIMITS_ENABLED": "false",
        }
        self.server = None

    def _database_url(self):
        db = connection.settings_dict
        if db["ENGINE"].endswith("sqlite3"):
            return f"sqlite:///{self.root / 'journeys.sqlite3'}"
        import psycopg

        name = f"{db['NAME']}_journeys".removeprefix("test_")
        name = f"journeys_{name}"
        host, port, user = db["HOST"] or "127.0.0.1", db["PORT"] or 5432, db["USER"] or ""
        with psycopg.connect(
            host=host, port=port, user=user, password=db["PASSWORD"] or None,
            dbname="postgres", autocommit=True,
        ) as admin:  # fmt: skip
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
        self._pg_drop = (host, port, user, db["PASSWORD"], name)
        auth = user + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        return f"postgres://{auth}@{host}:{port}/{name}"

    def manage(self, *args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env={**os.environ, **self.env},
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-4000:]}")
        return result.stdout

    def django(self, code):
        """Runs Python code with Django set up on the journey database; returns what it prints."""
        return self.manage("shell", "--no-imports", "-c", code)

    def django_json(self, code):
        """Like `django`, for code that prints one JSON document last."""
        return json.loads(self.django(code).strip().splitlines()[-1])

    def start(self):
        self.manage("migrate", "--noinput")
        self.manage("sync_page_translation_fields", "--noinput")
        self.manage("load_demo")
        self.server = AsgiServer(self.env, log_path=self.root / "server.log").start()
        self.url = self.server.url
        return self

    def stop(self):
        if self.server:
            self.server.stop()
        if getattr(self, "_pg_drop", None):
            import psycopg

            host, port, user, password, name = self._pg_drop
            with psycopg.connect(
                host=host, port=port, user=user, password=password or None,
                dbname="postgres", autocommit=True,
            ) as admin:  # fmt: skip
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def server_log(self):
        return (self.root / "server.log").read_text(errors="replace")

    def messages(self):
        """Every e-mail the site has sent so far, oldest first."""
        found = []
        for path in sorted(self.maildir.glob("*.log"), key=lambda p: p.stat().st_mtime_ns):
            for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                if chunk.strip():
                    found.append(email.message_from_bytes(chunk, policy=email.policy.default))
        return found

    def mail_to(self, address, count=1, timeout=15):
        """The e-mails to `address`, waiting until at least `count` have arrived."""
        deadline = time.monotonic() + timeout
        while True:
            mine = [m for m in self.messages() if address in str(m.get("To", ""))]
            if len(mine) >= count or time.monotonic() > deadline:
                assert len(mine) >= count, f"{count} e-mail(s) to {address} expected, got {mine}"
                return mine


def text_of(message):
    """The plain-text body of an e-mail."""
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part else ""


@pytest.fixture(scope="package")
def journey_site(tmp_path_factory, django_db_blocker):
    if not AXE.exists():
        pytest.fail(f"journeys need axe-core at {AXE}: run `npm ci` in the project")
    if not shutil.which(CHROMIUM):
        pytest.fail(f"journeys need Chromium at {CHROMIUM} (apt-get install chromium)")
    site = JourneySite(tmp_path_factory.mktemp("journey-site"))
    try:
        yield site.start()
    finally:
        site.stop()


@pytest.fixture(scope="package")
def journey_browser(journey_site):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; journeys use no ORM in-process.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM,
                headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Journey:
    """One person's tab: taps, fills and checks every page it reaches."""

    def __init__(self, site, context, language, width):
        self.site = site
        self.context = context
        self.language = language
        self.width = width
        self.phone = width == "phone"
        self.errors = []
        self.checked = set()
        self.page = self.new_tab()

    def new_tab(self):
        page = self.context.new_page()
        page.on("pageerror", lambda error: self.errors.append(f"script error: {error}"))
        page.on("console", self._console)
        page.on("load", lambda _page: setattr(self, "_pending", True))
        self._pending = True
        return page

    def _console(self, message):
        text = message.text
        if message.type == "error" and (
            "Content Security Policy" in text or "Refused to" in text or "Uncaught" in text
        ):
            self.errors.append(f"console: {text}")

    @property
    def url(self):
        return self.site.url

    def unique_email(self, who="visitor"):
        return f"{who}-{self.language}-{self.width}-{uuid.uuid4().hex[:8]}@example.org"

    # Moving around

    def visit(self, path, page=None):
        """Opens a page by its address, as a person following a link from elsewhere would."""
        page = page or self.page
        self.check(page)
        response = page.goto(self.site.url + path)
        assert response is not None and response.status < 400, (path, response and response.status)
        self.check(page)
        return response

    def tap(self, locator, page=None):
        """Taps (phone) or clicks (desktop) a control a person can see and reach."""
        page = page or self.page
        self.check(page)
        self.assert_reachable(locator)
        if self.phone:
            locator.tap()
        else:
            locator.click()
        page.wait_for_load_state()
        self._pending = True

    def fill(self, locator, value, page=None):
        page = page or self.page
        self.check(page)
        self.assert_reachable(locator)
        locator.fill(value)

    def select(self, locator, value=None, *, label=None, page=None):
        page = page or self.page
        self.check(page)
        self.assert_reachable(locator)
        if label is not None:
            locator.select_option(label=label)
        else:
            locator.select_option(value)

    def assert_reachable(self, locator):
        """Visible, inside the viewport's width, and not covered by another element."""
        locator.wait_for(state="visible")
        locator.scroll_into_view_if_needed()
        found = locator.evaluate(
            """element => {
                const box = element.getBoundingClientRect();
                // A link that wraps is two boxes: aim at the middle of its first line, as a
                // finger would, not at the middle of the rectangle around both.
                const line = [...element.getClientRects()].find(r => r.width && r.height) || box;
                const x = line.left + line.width / 2, y = line.top + line.height / 2;
                const top = document.elementFromPoint(x, y);
                const covered = !(top && (top === element || element.contains(top)
                    || (element.labels && [...element.labels].some(l => l.contains(top)))));
                return {
                    covered, by: top ? top.outerHTML.slice(0, 160) : null,
                    left: box.left, right: box.right, width: window.innerWidth,
                    size: box.width * box.height,
                };
            }"""
        )
        assert found["size"] > 0, f"{locator} has no size"
        assert found["left"] >= -1 and found["right"] <= found["width"] + 1, (
            f"{locator} is off screen ({found['left']:.0f}-{found['right']:.0f} of {found['width']})"
        )
        assert not found["covered"], f"{locator} is covered by {found['by']}"

    # Checks

    def check(self, page=None):
        """Checks the page now shown if it has not been checked since it loaded."""
        page = page or self.page
        if not self._pending:
            return
        self._pending = False
        if page.url.startswith("about:"):
            return
        assert not self.errors, self.errors
        overflow = self._evaluate(
            page,
            """() => {
                const width = document.documentElement.clientWidth;
                if (document.documentElement.scrollWidth <= width) return null;
                const wide = [...document.body.querySelectorAll('*')]
                    .filter(e => e.getBoundingClientRect().right > width + 1)
                    .slice(0, 5).map(e => e.outerHTML.slice(0, 120));
                return {scroll: document.documentElement.scrollWidth, width, wide};
            }""",
        )
        assert overflow is None, f"{page.url} is wider than the viewport: {overflow}"
        if page.url in self.checked:
            return
        self.checked.add(page.url)
        violations = self._evaluate(
            page,
            """async tags => {
                const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
                return result.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
                }));
            }""",
            AXE_TAGS,
        )
        assert violations == [], f"axe-core on {page.url}: {json.dumps(violations, indent=1)}"

    def _evaluate(self, page, script, arg=None):
        """Runs a check in the page; a navigation under way (a form just sent) is waited for."""
        from playwright.sync_api import Error

        for _attempt in range(10):
            page.wait_for_load_state()
            try:
                return page.evaluate(script, arg)
            except Error as error:
                if "context was destroyed" not in str(error) and "navigat" not in str(error):
                    raise
                page.wait_for_timeout(100)
        raise AssertionError(f"{page.url} kept navigating while it was being checked")

    def finish(self):
        for page in self.context.pages:
            self._pending = True
            self.check(page)
        assert not self.errors, self.errors


@pytest.fixture
def journey(request, journey_site, journey_browser, tmp_path):
    language, width = request.param
    context = journey_browser.new_context(
        locale=BROWSER_LOCALES[language], timezone_id=settings.TIME_ZONE, **WIDTHS[width]
    )
    context.add_init_script(path=str(AXE))
    context.set_default_timeout(15_000)
    person = Journey(journey_site, context, language, width)
    try:
        yield person
        person.finish()
    finally:
        for number, page in enumerate(context.pages):
            page.screenshot(path=str(tmp_path / f"tab-{number}.png"), full_page=True)
        context.close()
