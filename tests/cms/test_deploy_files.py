"""deploy/: the systemd units, the environment example and `make deploy-check` (deploy/check.py).

The units' own command lines are run here as systemd would run them (their Environment=, then
the example's values, which win), so a flag uvicorn or db_worker does not know fails a test
even though `systemd-analyze verify` only checks that the program exists.
"""

import importlib.util
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest
from django.conf import settings
from websockets.exceptions import ConnectionClosed
from websockets.frames import CloseCode
from websockets.sync.client import connect

from tests.conftest import database_url, free_port

DEPLOY = settings.BASE_DIR / "deploy"
UNITS = DEPLOY / "systemd"
GUIDE = settings.BASE_DIR / "docs" / "deploy.md"


def _load_deploy_check():
    spec = importlib.util.spec_from_file_location("deploy_check", DEPLOY / "check.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


deploy_check = _load_deploy_check()
EXAMPLE_VALUES, EXAMPLE_NAMES = deploy_check.read_environment_file(DEPLOY / "leopard.env.example")
PROCESSES = ["leopard-web.service", "leopard-worker@.service", "leopard-scheduler.service"]


def unit(name):
    return deploy_check.read_unit(UNITS / name)


def manage_commands(name):
    """The manage.py commands a unit runs, e.g. ["db_worker"]."""
    return [
        line.split("manage.py ")[1].split()[0]
        for line in unit(name)["Service"]["ExecStart"]
        if "manage.py " in line
    ]


# -- The environment example --------------------------------------------------------------------


def test_the_example_names_every_variable_the_portal_reads():
    read = deploy_check.variables_read(deploy_check.settings_files())
    # The reader sees multi-line calls (env.str(\n"CHANNEL_LAYER_BACKEND", ...)) as well.
    assert {"SECRET_KEY", "DATABASE_URL", "CHANNEL_LAYER_BACKEND", "EMAIL_URL"} <= set(read)
    missing = {name: where for name, where in read.items() if name not in EXAMPLE_NAMES}
    assert not missing, f"add these to deploy/leopard.env.example, with a comment: {missing}"


def test_the_reader_finds_every_way_of_reading_the_environment(tmp_path):
    source = tmp_path / "settings.py"
    source.write_text(
        "import os\n"
        "import environ\n"
        "env = environ.Env()\n"
        'A = env("PLAIN")\n'
        'B = env.int(\n    "TYPED", default=1\n)\n'
        'C = os.environ.get("FROM_GET")\n'
        'D = os.environ["FROM_INDEX"]\n'
        'E = os.getenv("FROM_GETENV")\n'
        'os.environ["WRITTEN"] = "not read"\n'
        'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")\n'
    )
    assert set(deploy_check.variables_read([source])) == {
        "PLAIN",
        "TYPED",
        "FROM_GET",
        "FROM_INDEX",
        "FROM_GETENV",
    }


def test_every_variable_of_the_example_is_explained_in_the_deploy_guide():
    guide = GUIDE.read_text()
    unexplained = sorted(name for name in EXAMPLE_NAMES if f"`{name}`" not in guide)
    assert not unexplained, f"docs/deploy.md's environment table lacks {unexplained}"


def test_the_example_holds_placeholders_not_secrets():
    secret = re.compile(r"SECRET|PASSWORD|TOKEN|_KEY$|_KEY_ID$")
    for name, value in EXAMPLE_VALUES.items():
        credentials_in_url = re.search(r"://[^/@]+:[^/@]+@", value)
        if secret.search(name) or credentials_in_url:
            assert "change-me" in value, f"{name} must be a placeholder marked change-me"
    assert len(EXAMPLE_VALUES["SECRET_KEY"]) >= 50  # check --deploy's rule, so the check passes


@pytest.mark.parametrize(
    "line",
    ["export DEBUG=false", "DEBUG = false", "SECRET_KEY=$OTHER", "DEBUG=false\nDEBUG=true"],
    ids=["export", "spaces", "dollar", "twice"],
)
def test_a_line_systemd_would_read_otherwise_than_a_shell_is_refused(tmp_path, line):
    example = tmp_path / "leopard.env"
    example.write_text(f"# a comment\n{line}\n")
    with pytest.raises(ValueError, match=r"leopard\.env:\d+: "):
        deploy_check.read_environment_file(example)


def test_quoted_values_and_shown_defaults_are_read_as_systemd_reads_them(tmp_path):
    example = tmp_path / "leopard.env"
    example.write_text('FROM="Land of the Leopard <a@b.example>"\n#SHOWN=1\n# prose, not a name\n')
    values, named = deploy_check.read_environment_file(example)
    assert values == {"FROM": "Land of the Leopard <a@b.example>"}
    assert named == {"FROM", "SHOWN"}


# -- The units ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PROCESSES)
def test_each_process_starts_after_the_release_step_as_the_leopard_user_in_a_sandbox(name):
    sections = unit(name)
    after = " ".join(sections["Unit"]["After"]).split()
    wants = " ".join(sections["Unit"]["Wants"]).split()
    assert "leopard-release.service" in after
    assert "leopard-release.service" in wants
    assert sections["Unit"]["PartOf"] == ["leopard.target"]
    assert sections["Install"]["WantedBy"] == ["leopard.target"]
    service = sections["Service"]
    for key, value in {
        "User": "leopard",
        "WorkingDirectory": "/srv/leopard",
        "EnvironmentFile": "/etc/leopard/leopard.env",
        "Restart": "on-failure",
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "PrivateTmp": "yes",
        "KillSignal": "SIGTERM",
    }.items():
        assert service[key] == [value], f"{name}: {key}"


def test_the_release_step_migrates_then_syncs_translation_fields_then_collects_static_files():
    service = unit("leopard-release.service")["Service"]
    assert service["Type"] == ["oneshot"]
    assert manage_commands("leopard-release.service") == [
        "migrate",
        "sync_page_translation_fields",
        "collectstatic",
    ]
    assert all(line.endswith("--noinput") for line in service["ExecStart"])


def test_only_the_web_process_keeps_prometheus_files_and_starts_with_none():
    web = unit("leopard-web.service")["Service"]
    assert web["RuntimeDirectory"] == ["leopard-web"]
    assert web["RuntimeDirectoryPreserve"] == ["no"]
    assert "PROMETHEUS_MULTIPROC_DIR=/run/leopard-web" in web["Environment"]
    # The file every unit reads must not point the worker and scheduler at a missing directory.
    assert "PROMETHEUS_MULTIPROC_DIR" not in EXAMPLE_VALUES


@pytest.mark.parametrize(
    "command",
    sorted(
        {
            command
            for name in (p.name for p in UNITS.glob("*.service"))
            for command in manage_commands(name)
        }
    ),
)
def test_every_command_a_unit_runs_exists_and_the_guide_names_it(command, manage_py_commands):
    assert f"manage.py {command}" in GUIDE.read_text()
    assert command in manage_py_commands


@pytest.fixture(scope="module")
def manage_py_commands():
    result = subprocess.run(
        [sys.executable, "manage.py", "help", "--commands"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return set(result.stdout.split())


def test_the_certificates_font_comes_from_a_package_every_machine_installs():
    from donations import conf

    packages = re.findall(r"^[a-z0-9.+-]+", (DEPLOY / "packages.txt").read_text(), re.MULTILINE)
    owner = subprocess.run(["dpkg", "-S", conf.CERTIFICATE_FONT], capture_output=True, text=True)
    assert owner.returncode == 0, f"{conf.CERTIFICATE_FONT} is not installed: {owner.stderr}"
    assert owner.stdout.split(":")[0] == conf.CERTIFICATE_FONT_PACKAGE
    assert conf.CERTIFICATE_FONT_PACKAGE in packages


# -- make deploy-check --------------------------------------------------------------------------


def test_make_deploy_check_passes():
    assert shutil.which("systemd-analyze"), "systemd-analyze is missing: apt-get install systemd"
    result = subprocess.run(
        [sys.executable, str(DEPLOY / "check.py")],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "is fine" in result.stdout


def test_deploy_check_finds_a_broken_unit_a_weak_sandbox_and_a_missing_directory(tmp_path):
    assert shutil.which("systemd-analyze"), "systemd-analyze is missing: apt-get install systemd"
    copy = tmp_path / "deploy"
    shutil.copytree(DEPLOY, copy)
    edit(copy / "systemd/leopard-web.service", "NoNewPrivileges=yes", "NoNewPrivilege=yes")
    edit(copy / "systemd/leopard-scheduler.service", ".venv/bin/python", ".venv/bin/pythn")
    worker = copy / "systemd/leopard-worker@.service"
    text = worker.read_text()
    worker.write_text(text[: text.index("# Hardening")] + text[text.index("[Install]") :])
    edit(copy / "tmpfiles.d/leopard.conf", "/srv/leopard/var/static", "/srv/leopard/var/statik")

    problems = "\n".join(
        deploy_check.verify_units(copy) + deploy_check.verify_user_and_directories(copy)
    )

    assert "leopard-web.service" in problems
    assert "Unknown key 'NoNewPrivilege'" in problems
    assert "pythn is not executable" in problems
    assert "systemd-analyze security leopard-worker@.service" in problems
    if os.geteuid() == 0:  # tmpfiles runs as root only (CI and the machines do)
        assert "ReadWritePaths=/srv/leopard/var/static is not made by tmpfiles.d" in problems
    assert "verify leopard-release.service" not in problems  # the untouched units pass


def test_deploy_check_runs_check_deploy_on_the_example_alone(monkeypatch):
    # The caller's own settings must not help the example pass.
    monkeypatch.setenv("SECURE_HSTS_SECONDS", "31536000")
    weakened = {**EXAMPLE_VALUES, "SECURE_HSTS_SECONDS": "0"}
    problems = deploy_check.check_deploy(weakened)
    assert len(problems) == 1
    assert "security.W004" in problems[0]
    assert deploy_check.check_deploy(EXAMPLE_VALUES) == []


def edit(path, old, new):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


# -- The units' command lines, run as systemd runs them -----------------------------------------


def unit_process(name, tmp_path, instance="1", **overrides):
    """argv and environment of a unit's (last) ExecStart=, as systemd would start it on a machine
    with the example's environment file, with the checkout as /srv/leopard and the services of
    this test run."""
    service = unit(name)["Service"]
    env = {}
    for line in service.get("Environment", []):
        env.update(pair.split("=", 1) for pair in line.split())
    env.update(EXAMPLE_VALUES)  # EnvironmentFile= wins over Environment=
    env.update(
        PATH=os.environ["PATH"],
        DATABASE_URL=database_url(),
        CHANNEL_LAYER_PREFIX=os.environ.get("CHANNEL_LAYER_PREFIX", "asgi"),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        PRIVATE_MEDIA_ROOT=str(settings.PRIVATE_MEDIA_ROOT),
    )
    if os.environ.get("REDIS_URL"):
        env["REDIS_URL"] = os.environ["REDIS_URL"]
    else:
        env.pop("REDIS_URL")
    env.update(overrides)
    runtime = service.get("RuntimeDirectory")
    line = service["ExecStart"][-1].replace(deploy_check.PREFIX, str(settings.BASE_DIR))
    if runtime:
        line = line.replace(f"/run/{runtime[0]}", str(tmp_path))
        env = {k: v.replace(f"/run/{runtime[0]}", str(tmp_path)) for k, v in env.items()}
    specifiers = {"%i": instance, "%l": socket.gethostname().split(".")[0], "%%": "%"}
    line = re.sub(r"%[il%]", lambda m: specifiers[m.group(0)], line)
    argv = [re.sub(r"\$\{(\w+)\}", lambda m: env[m.group(1)], word) for word in line.split()]
    return argv, env, int(service["TimeoutStopSec"][0])


def uvicorn_workers(pid):
    """The worker processes uvicorn's supervisor `pid` spawned (not multiprocessing's resource
    tracker, which leaves on its own when the supervisor is gone)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as file:
                    parent = int(file.read().rsplit(")", 1)[1].split()[1])
                with open(f"/proc/{entry}/cmdline", "rb") as file:
                    command = file.read()
            except OSError:
                continue
            if parent == pid and b"spawn_main" in command:
                found.append(int(entry))
    return found


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as file:
            return file.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.server
def test_the_web_unit_serves_behind_the_proxy_and_stops_gracefully(live_db, tmp_path):
    port = free_port()
    argv, env, stop_seconds = unit_process(
        "leopard-web.service",
        tmp_path,
        WEB_HOST="127.0.0.1",
        WEB_PORT=str(port),
        WEB_CONCURRENCY="2",
        FORWARDED_ALLOW_IPS="127.0.0.1",  # this test is the proxy
    )
    assert argv[:2] == [str(settings.BASE_DIR / ".venv/bin/uvicorn"), "portal.asgi:application"]
    assert env["PROMETHEUS_MULTIPROC_DIR"] == str(tmp_path)
    log = tmp_path / "web.log"
    with open(log, "wb") as output:
        web = subprocess.Popen(
            argv, cwd=settings.BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        url = f"http://127.0.0.1:{port}/robots.txt"
        host = {"Host": EXAMPLE_VALUES["ALLOWED_HOSTS"].split(",")[0]}
        deadline = time.monotonic() + 60
        while True:
            assert web.poll() is None, log.read_text()
            try:
                plain = httpx.get(url, headers=host, timeout=5)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        # Plain HTTP is sent to HTTPS; what the proxy says came over HTTPS is served.
        assert plain.status_code == 301
        assert plain.headers["location"] == f"https://{host['Host']}/robots.txt"
        proxied = httpx.get(
            url, headers={**host, "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
        )
        assert proxied.status_code == 200, log.read_text()
        assert "server" not in proxied.headers  # --no-server-header

        workers = uvicorn_workers(web.pid)
        assert len(workers) == 2, workers
        with connect(
            f"ws://127.0.0.1:{port}/ws/live/",
            additional_headers={"Host": host["Host"], "Origin": f"https://{host['Host']}"},
            open_timeout=30,
        ) as live:
            live.send(json.dumps({"type": "subscribe", "topics": ["feed"]}))
            while json.loads(live.recv(timeout=30))["type"] != "subscribed":
                pass
            web.send_signal(signal.SIGTERM)  # what systemd sends (KillMode=mixed: main process)
            # The live socket is closed as "service restart": its page reconnects elsewhere.
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    live.recv(timeout=stop_seconds)
            assert closed.value.rcvd.code == CloseCode.SERVICE_RESTART
        assert web.wait(timeout=stop_seconds) == 0, log.read_text()
        assert not [pid for pid in workers if alive(pid)]
    finally:
        if web.poll() is None:
            web.kill()
            web.wait()


@pytest.mark.django_db
def test_the_worker_unit_runs_db_worker_with_its_id_and_stops_when_told(tmp_path):
    host = socket.gethostname().split(".")[0]
    argv, env, stop_seconds = unit_process("leopard-worker@.service", tmp_path, instance="7")
    assert argv[-2:] == ["--worker-id", f"{host}-7"]
    log = tmp_path / "worker.log"
    with open(log, "wb") as output:
        worker = subprocess.Popen(
            argv, cwd=settings.BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 60
        while f"worker_id={host}-7" not in log.read_text():
            assert worker.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=stop_seconds) == 0, log.read_text()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
