"""Sign-in: the roles file and its resolution, the gate under AppTest, and the whole
OpenID Connect sign-in in a real Chromium against a local provider (oidc-provider-mock).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.roles import (
    RolesConfig,
    RolesFileError,
    Viewer,
    load_roles,
    parse_role,
    resolve_viewer,
)
from pipelines.settings import REPO_ROOT
from tests.dashboard.conftest import APP, _free_port
from tests.dashboard.test_vendor_view import forbidden_words

SCREENSHOTS = REPO_ROOT / "build" / "screenshots"
VENDOR = "Pacific Reach BPO"  # a vendor of the sample centres (sources/manila.yaml)

ROLES_YAML = f"""\
groups_claim: groups
users:
  Ann.Head@Northwind.example: service_head
  ivy@northwind.example: analyst
groups:
  pr-team-leads: vendor:{VENDOR}
  cc-partner-managers: partner_manager
"""


def _roles(tmp_path: Path, text: str = ROLES_YAML) -> RolesConfig:
    path = tmp_path / "roles.yaml"
    path.write_text(text, encoding="utf-8")
    return load_roles(path)


# --- role resolution -------------------------------------------------------------------


def test_an_email_entry_gives_its_role_whatever_the_case(tmp_path: Path) -> None:
    roles = _roles(tmp_path)
    viewer = resolve_viewer({"email": "ann.head@NORTHWIND.example", "name": "Ann"}, roles)
    assert viewer == Viewer("ann.head@NORTHWIND.example", "service_head", None, "Ann")
    assert viewer.role_label == "Service head"
    assert resolve_viewer({"email": "ivy@northwind.example"}, roles).role == "analyst"


def test_a_group_gives_its_role_and_a_vendor_its_vendor_id(tmp_path: Path) -> None:
    roles = _roles(tmp_path)
    claims = {"email": "pat@pacific.example", "groups": ["x", "pr-team-leads"]}
    viewer = resolve_viewer(claims, roles)
    assert (viewer.role, viewer.vendor_id) == ("vendor", VENDOR)
    assert viewer.role_label == f"Vendor: {VENDOR}"
    # a single group as a string
    claims = {"email": "p@x.example", "groups": "cc-partner-managers"}
    assert resolve_viewer(claims, roles).role == "partner_manager"
    # the first group in the file's order wins, whatever the token's order
    claims = {"email": "q@x.example", "groups": ["cc-partner-managers", "pr-team-leads"]}
    assert resolve_viewer(claims, roles).role == "vendor"


def test_an_email_entry_wins_over_groups(tmp_path: Path) -> None:
    claims = {"email": "ivy@northwind.example", "groups": ["pr-team-leads"]}
    assert resolve_viewer(claims, _roles(tmp_path)).role == "analyst"


def test_the_groups_claim_is_configurable(tmp_path: Path) -> None:
    roles = _roles(tmp_path, ROLES_YAML.replace("groups_claim: groups", "groups_claim: roles"))
    assert resolve_viewer({"email": "p@x.example", "groups": ["pr-team-leads"]}, roles) is None
    assert resolve_viewer({"email": "p@x.example", "roles": ["pr-team-leads"]}, roles).role == (
        "vendor"
    )


@pytest.mark.parametrize(
    "claims",
    [
        {"email": "stranger@elsewhere.example", "groups": ["other"]},
        {"email": "stranger@elsewhere.example"},
        {"sub": "no-email", "groups": []},
        {"email": "  "},
        # an e-mail the provider has not verified matches no e-mail entry
        {"email": "ann.head@northwind.example", "email_verified": False},
    ],
)
def test_anyone_the_file_does_not_list_has_no_role(tmp_path: Path, claims: dict) -> None:
    assert resolve_viewer(claims, _roles(tmp_path)) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("users:\n  ann@x.example: admin\n", "users → ann@x.example: unknown role 'admin'"),
        ("groups:\n  leads: 'vendor: '\n", "groups → leads: 'vendor:' needs a vendor id"),
        ("groups:\n  leads:\n    vendor: x\n", "groups → leads: the role must be text"),
        ("groups:\n  leads: {shop: x}\n", "groups → leads: the role must be text"),
        ("users:\n  ann@x.example:\n", "users → ann@x.example: the role must be text"),
        ("users:\n  not-an-email: analyst\n", "users → 'not-an-email': not an e-mail address"),
        (
            "users:\n  Ann@x.example: analyst\n  ann@X.example: service_head\n",
            "users → 'ann@X.example': listed twice",
        ),
        ("users:\n  - ann@x.example\n", "'users' must map each user to a role"),
        ("user:\n  ann@x.example: analyst\n", "unknown key(s) user"),
        ("- ann@x.example\n", "expected a mapping"),
        ("users: {ann@x.example: analyst\n", "not valid YAML"),
        ("groups_claim: 3\n", "groups_claim must be a claim name"),
    ],
)
def test_a_malformed_roles_file_names_the_file_and_the_entry(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(RolesFileError) as error:
        _roles(tmp_path, text)
    assert str(error.value).startswith(f"{tmp_path / 'roles.yaml'}: ")
    assert message in str(error.value)


def test_a_missing_roles_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(RolesFileError, match="no roles file"):
        load_roles(tmp_path / "roles.yaml")


def test_the_example_roles_file_is_valid() -> None:
    roles = load_roles(REPO_ROOT / "sample_data" / "config" / "roles.example.yaml")
    assert {role.name for role in [*roles.users.values(), *roles.groups.values()]} == {
        "service_head",
        "partner_manager",
        "analyst",
        "vendor",
    }


def test_a_vendor_id_may_hold_spaces_and_non_ascii_letters(tmp_path: Path) -> None:
    roles = _roles(tmp_path, "groups:\n  a: vendor:Atlântico Serviços\n  b: 'vendor: Acme '\n")
    assert roles.groups["a"].vendor_id == "Atlântico Serviços"
    assert parse_role("vendor: Acme ", "here") == roles.groups["b"]
    assert roles.groups["b"].vendor_id == "Acme"


# --- the gate under AppTest -------------------------------------------------------------

AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret-of-enough-length",
    "client_id": "dashboard",
    "client_secret": "secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


@pytest.fixture
def signed_in_app(sample_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Runs the app with sign-in configured, as the given user (None: not signed in)."""
    monkeypatch.setenv("CC_WAREHOUSE", str(sample_warehouse))
    roles = tmp_path / "roles.yaml"
    roles.write_text(ROLES_YAML, encoding="utf-8")
    monkeypatch.setenv("CC_ROLES_FILE", str(roles))

    def run(user: dict | None) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=120)
        at.secrets["auth"] = AUTH
        at.user = {"is_logged_in": True, **user} if user else {"is_logged_in": False}
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return run


def _shows_no_data(at: AppTest) -> bool:
    """No scorecard, table, chart or filter: nothing of the warehouse is on the page."""
    return (
        not any('class="scorecard"' in m.value for m in at.markdown)
        and not at.dataframe
        and not at.get("arrow_vega_lite_chart")
        and not at.selectbox
        and not at.multiselect
        and [t.value for t in at.title] == ["Contact-centre performance"]
    )


def _texts(at: AppTest) -> list[str]:
    return [t.value for t in at.text]


def test_the_demo_says_it_has_no_sign_in(app) -> None:
    at = app()
    assert "Demo: no sign-in; served on this machine only." in [c.value for c in at.sidebar.caption]
    assert at.title[0].value == "Weekly overview"


def test_without_sign_in_a_deployment_shows_only_the_sign_in_button(signed_in_app) -> None:
    at = signed_in_app(None)
    assert [b.label for b in at.button] == ["Sign in"]
    assert [t.value for t in at.title] == ["Contact-centre performance"]
    assert _shows_no_data(at)


def test_a_listed_user_sees_the_pages_and_who_they_are(signed_in_app) -> None:
    at = signed_in_app({"email": "ann.head@northwind.example", "name": "Ann *Head*"})
    assert at.title[0].value == "Weekly overview"
    assert "Ann *Head* <ann.head@northwind.example>" in [t.value for t in at.sidebar.text]
    assert "Service head" in [t.value for t in at.sidebar.text]
    assert "Sign out" in [b.label for b in at.sidebar.button]
    assert "Demo: no sign-in; served on this machine only." not in [c.value for c in at.caption]


def test_an_unknown_user_sees_no_access_and_no_data(signed_in_app) -> None:
    at = signed_in_app({"email": "stranger@elsewhere.example", "name": "S_t_r**anger**"})
    assert [s.value for s in at.subheader] == ["No access"]
    assert "S_t_r**anger** <stranger@elsewhere.example>" in _texts(at)
    assert [b.label for b in at.button] == ["Sign out"]
    assert _shows_no_data(at)


def test_a_vendor_the_warehouse_does_not_hold_is_refused(signed_in_app, tmp_path: Path) -> None:
    (tmp_path / "roles.yaml").write_text("users:\n  pat@x.example: vendor:Pacific Reech\n")
    at = signed_in_app({"email": "pat@x.example"})
    assert [s.value for s in at.subheader] == ["No access"]
    assert "no centre of this warehouse" in at.warning[0].value
    assert "Vendor in the roles file: Pacific Reech" in _texts(at)
    assert _shows_no_data(at)


def test_a_broken_roles_file_lets_nobody_in_and_says_why(signed_in_app, tmp_path: Path) -> None:
    (tmp_path / "roles.yaml").write_text("users:\n  ann.head@northwind.example: boss\n")
    at = signed_in_app({"email": "ann.head@northwind.example"})
    assert "roles file has a problem" in at.error[0].value
    assert any("ann.head@northwind.example: unknown role 'boss'" in t for t in _texts(at))
    assert _shows_no_data(at)


def test_the_viewer_reaches_the_pages_context(signed_in_app) -> None:
    at = signed_in_app({"email": "pat@pacific.example", "groups": ["pr-team-leads"]})
    viewer = at.session_state["page_context"].viewer
    assert viewer == Viewer("pat@pacific.example", "vendor", VENDOR, None)


# --- the whole sign-in in Chromium, against a local OpenID provider ---------------------

# The users the provider knows (its login form takes the subject); groups in the ID token.
USERS = {
    "ann": {"email": "Ann.Head@northwind.example", "name": "Ann *Head*"},
    "pat": {"email": "pat@pacificreach.example", "name": "Pat Reyes", "groups": ["pr-team-leads"]},
    "sam": {"email": "sam@elsewhere.example", "name": "Sam Stranger", "groups": ["outsiders"]},
}


def _wait_for_http(url: str, process: subprocess.Popen, log: Path, what: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            pytest.fail(f"{what} did not start: {log.read_text()[-2000:]}")
        time.sleep(0.3)  # polling a condition, with a deadline


@contextmanager
def _serve(command: list[str], url: str, log: Path, what: str, **popen) -> Iterator[None]:
    """Run a server until the block ends, once ``url`` answers 200."""
    with log.open("w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, **popen)
        try:
            _wait_for_http(url, process, log, what)
            yield
        finally:
            process.terminate()
            process.wait(timeout=20)


LOCAL_ENV = {"NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """oidc-provider-mock on a free loopback port, knowing USERS (its CLI, as documented)."""
    port = _free_port()
    claims = [json.dumps({"sub": sub, **user}) for sub, user in USERS.items()]
    command = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1"]
    command += ["--port", str(port), *(f"--user-claims={c}" for c in claims)]
    url = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("oidc") / "provider.log"
    with _serve(
        command,
        f"{url}/.well-known/openid-configuration",
        log,
        "oidc-provider-mock",
        env={**os.environ, **LOCAL_ENV},
    ):
        yield url


@pytest.fixture(scope="module")
def signed_in_server(
    provider: str, sample_warehouse: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """``streamlit run`` with [auth] pointing at the provider and a roles file of its own.

    The working directory is the repository's (its .streamlit/config.toml: loopback,
    viewer toolbar); the secrets come from a temporary file (``--secrets.files``)."""
    folder = tmp_path_factory.mktemp("deployment")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    secrets = folder / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "{url}/oauth2callback"\n'
        'cookie_secret = "a-test-cookie-secret-that-is-long-enough-0123456789"\n'
        'client_id = "contact-centre-dashboard"\n'
        'client_secret = "test-client-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    roles = folder / "roles.yaml"
    roles.write_text(ROLES_YAML, encoding="utf-8")
    env = {
        **os.environ,
        **LOCAL_ENV,
        "CC_WAREHOUSE": str(sample_warehouse),
        "CC_ROLES_FILE": str(roles),
    }
    command = [sys.executable, "-m", "streamlit", "run", APP, "--server.port", str(port)]
    command += ["--secrets.files", str(secrets)]
    with _serve(
        command, f"{url}/_stcore/health", folder / "server.log", "streamlit", cwd=REPO_ROOT, env=env
    ):
        yield url


@pytest.fixture
def page(browser_context):
    """A new page of the shared headless Chromium, its cookies cleared (nobody signed in).
    Requests that would leave the machine (the provider's login form links a CDN style
    sheet) are refused and recorded in ``page.outside_requests``."""
    browser_context.clear_cookies()
    page = browser_context.new_page()
    page.outside_requests = []

    def refuse_outside(route) -> None:
        if urlsplit(route.request.url).hostname in {"127.0.0.1", "localhost"}:
            route.continue_()
        else:
            page.outside_requests.append(route.request.url)
            route.abort()

    page.route("**/*", refuse_outside)
    yield page
    page.close()
    browser_context.clear_cookies()  # the next test (or test file) starts signed out


def _settled(page) -> None:
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stApp\"]')"
        "?.getAttribute('data-test-script-state') === 'notRunning'",
        timeout=60_000,
    )


def _sign_in(page, app_url: str, sub: str) -> None:
    """Through the app's sign-in page and the provider's login form, back to the app."""
    page.goto(app_url, wait_until="domcontentloaded")
    page.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
    assert page.get_by_test_id("stSidebarNavLink").count() == 0  # no pages before sign-in
    _screenshot(page, "sign_in")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_placeholder("sub").fill(sub, timeout=30_000)  # the provider's form
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{app_url}/**", timeout=30_000)
    page.get_by_role("button", name="Sign out").wait_for(timeout=60_000)  # signed in
    _settled(page)


def _overview_drawn(page) -> None:
    """The weekly overview with its scorecard and charts drawn."""
    page.get_by_role("heading", name="Weekly overview").first.wait_for(timeout=60_000)
    page.locator(".scorecard td").first.wait_for(timeout=60_000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=\"stVegaLiteChart\"]')].every("
        "chart => chart.querySelector('svg g, canvas') || !chart.getBoundingClientRect().height)",
        timeout=60_000,
    )
    _settled(page)


def _sidebar_text(page) -> str:
    return page.get_by_test_id("stSidebar").inner_text()


def _screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.mark.browser
def test_a_service_head_signs_in_and_sees_the_overview(signed_in_server: str, page) -> None:
    _sign_in(page, signed_in_server, "ann")
    _overview_drawn(page)
    _screenshot(page, "signed_in_service_head")
    sidebar = _sidebar_text(page)
    # the name as typed at the provider, not as markdown (no italics eaten)
    assert "Ann *Head* <Ann.Head@northwind.example>" in sidebar, sidebar
    assert "Service head" in sidebar
    assert "Demo: no sign-in" not in sidebar
    assert page.get_by_test_id("stException").count() == 0
    assert "Pacific Reach Manila" in page.locator(".scorecard").inner_text()
    assert page.outside_requests  # the refusal is in force ...
    assert all("cdn.jsdelivr.net" in url for url in page.outside_requests)  # ... only


VENDOR_PAGES = ["", "/compare", "/partner_review", "/drilldown?metric=csat_pct"]


@pytest.mark.browser
def test_a_vendor_user_sees_its_own_centre_and_anonymised_peers_only(
    signed_in_server: str, sample_warehouse: Path, page, tmp_path: Path
) -> None:
    _sign_in(page, signed_in_server, "pat")
    _overview_drawn(page)
    _screenshot(page, "signed_in_vendor")
    sidebar = _sidebar_text(page)
    assert "Pat Reyes <pat@pacificreach.example>" in sidebar, sidebar
    assert f"Vendor: {VENDOR}" in sidebar
    assert "Service head" not in sidebar
    scorecard = page.locator(".scorecard").inner_text()
    assert "Pacific Reach Manila" in scorecard and "Client in-house" in scorecard
    assert "Peer 1" in scorecard and "Peer 2" in scorecard
    # no Data page (every centre's loads and rejects) in a vendor's navigation
    assert "Data" not in page.get_by_test_id("stSidebarNav").inner_text()
    forbidden = forbidden_words(sample_warehouse, VENDOR)
    downloads = 0
    for path in VENDOR_PAGES:
        page.goto(signed_in_server + path, wait_until="domcontentloaded")
        _settled(page)
        assert page.get_by_test_id("stException").count() == 0, path
        leaked = sorted(w for w in forbidden if w in page.inner_text("body"))
        assert leaked == [], f"{path}: {leaked[:10]}"
        # every file the page offers, read as text (a workbook: its XML parts)
        buttons = page.get_by_test_id("stDownloadButton").locator("button")
        for index in range(buttons.count()):
            with page.expect_download(timeout=60_000) as info:
                buttons.nth(index).click()
            saved = tmp_path / f"{downloads}_{info.value.suggested_filename}"
            info.value.save_as(saved)
            downloads += 1
            text = _file_text(saved)
            leaked = sorted(w for w in forbidden if w in text)
            assert leaked == [], f"{path} {saved.name}: {leaked[:10]}"
    assert downloads >= 4  # scorecard, comparison, the pack's HTML and workbook at least


def _file_text(path: Path) -> str:
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as archive:
            return "\n".join(
                archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
            )
    return path.read_bytes().decode("utf-8", "replace")


@pytest.mark.browser
def test_an_unknown_user_sees_no_data_and_can_sign_out(signed_in_server: str, page) -> None:
    _sign_in(page, signed_in_server, "sam")
    page.get_by_role("heading", name="No access").wait_for(timeout=60_000)
    _screenshot(page, "signed_in_no_access")
    body = page.inner_text("body")
    assert "Sam Stranger <sam@elsewhere.example>" in body
    assert "Scorecard" not in body and "Weekly overview" not in body
    assert page.get_by_test_id("stSidebarNavLink").count() == 0
    assert page.get_by_test_id("stVegaLiteChart").count() == 0
    assert page.get_by_test_id("stDataFrame").count() == 0
    # a page's own address shows no more than the home page does
    page.goto(f"{signed_in_server}/data", wait_until="domcontentloaded")
    page.get_by_role("heading", name="No access").wait_for(timeout=60_000)
    assert "Loads" not in page.inner_text("body")

    page.get_by_role("button", name="Sign out").click()
    # the provider's end-session page, then back to the app, signed out
    page.get_by_role("button", name="End session").click(timeout=30_000)
    page.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
    assert "sam@elsewhere.example" not in page.inner_text("body")


@pytest.mark.browser
def test_the_demo_serves_without_sign_in_and_says_so(app_url: str, page) -> None:
    page.goto(app_url, wait_until="domcontentloaded")
    page.get_by_role("heading", name="Weekly overview").first.wait_for(timeout=60_000)
    sidebar = _sidebar_text(page)
    assert "Demo: no sign-in; served on this machine only." in sidebar, sidebar
    assert page.get_by_role("button", name="Sign in").count() == 0
    assert page.get_by_role("button", name="Sign out").count() == 0
