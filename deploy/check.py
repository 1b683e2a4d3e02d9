"""`make deploy-check`: the files in deploy/ are what docs/deploy.md says they are.

1. leopard.env.example is a file systemd reads as its EnvironmentFile= and names every
   environment variable that portal/ reads (set, or shown with its default as "#NAME=value").
2. `systemd-analyze verify` accepts every unit and `systemd-analyze security` scores each service's
   exposure at most SECURITY_THRESHOLD. The units name the install prefix /srv/leopard; the check
   verifies a copy with it rewritten to this checkout, so ExecStart= finds this checkout's .venv
   (verify fails on a missing program). The user leopard need not exist: verify does not look it up.
3. systemd-sysusers accepts the user (dry run) and systemd-tmpfiles makes the directories in a
   scratch root, among them every ReadWritePaths= a unit requires (a missing one stops the unit);
   leopard-manage is an executable shell script sh can parse.
4. `manage.py check --deploy --fail-level WARNING` passes with the example's values and nothing
   else from the caller's environment. No server is contacted: the check opens no connection.

Standard library only. Prints one line per problem and exits 1 when there is any.
Run: .venv/bin/python deploy/check.py [--deploy-dir DIR]
"""

import argparse
import ast
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
PREFIX = "/srv/leopard"  # where docs/deploy.md installs the checkout; the units name it
SECURITY_THRESHOLD = 20  # systemd-analyze's exposure scale times ten: 2.0 ("OK") at most
NAME = r"[A-Z][A-Z0-9_]*"


def read_environment_file(path):
    """(values set, every name set or shown as "#NAME=value") of a systemd environment file.

    Strict on purpose: a line systemd would read otherwise than a shell does (an `export`, a
    `$`, a space around `=`) is an error, so the file means the same to both.
    """
    values, named = {}, set()
    for number, line in enumerate(Path(path).read_text().splitlines(), 1):
        if not line.strip():
            continue
        shown = re.fullmatch(rf"#({NAME})=.*", line)
        if shown:
            named.add(shown.group(1))
            continue
        if line.startswith("#"):
            continue
        match = re.fullmatch(rf'({NAME})=("[^"$\\]*"|[^\s"$\\]*)', line)
        if not match:
            raise ValueError(f"{path}:{number}: not NAME=value as systemd reads it: {line!r}")
        name, value = match.groups()
        if name in values:
            raise ValueError(f"{path}:{number}: {name} is set twice")
        values[name] = value[1:-1] if value.startswith('"') else value
        named.add(name)
    return values, named


def variables_read(paths):
    """{name: "file:line"} of the environment variables these Python files read: env("X"),
    env.<type>("X") (django-environ), os.environ.get("X"), os.environ["X"], os.getenv("X")."""
    found = {}
    for path in paths:
        tree = ast.parse(Path(path).read_text(), filename=str(path))
        for node in ast.walk(tree):
            name = _variable_name(node)
            if name:
                found.setdefault(name, f"{os.path.relpath(path, CHECKOUT)}:{node.lineno}")
    return found


def _variable_name(node):
    def is_env(expr):
        return isinstance(expr, ast.Name) and expr.id == "env"

    def is_os_environ(expr):
        return (
            isinstance(expr, ast.Attribute)
            and expr.attr == "environ"
            and isinstance(expr.value, ast.Name)
            and expr.value.id == "os"
        )

    def literal(expr):
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return expr.value
        return None

    if isinstance(node, ast.Call) and node.args:
        func = node.func
        if is_env(func) or (isinstance(func, ast.Attribute) and is_env(func.value)):
            return literal(node.args[0])
        if isinstance(func, ast.Attribute) and func.attr == "get" and is_os_environ(func.value):
            return literal(node.args[0])
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "getenv"
            and isinstance(func.value, ast.Name)
            and func.value.id == "os"
        ):
            return literal(node.args[0])
    if isinstance(node, ast.Subscript) and is_os_environ(node.value):
        return literal(node.slice) if isinstance(node.ctx, ast.Load) else None
    return None


def settings_files():
    return sorted((CHECKOUT / "portal").rglob("*.py"))


def read_unit(path):
    """{section: {key: [values]}} of a unit file: keys may repeat, lines may end in "\\"."""
    sections, section, pending = {}, None, ""
    for raw in Path(path).read_text().splitlines():
        line = pending + raw.strip()
        pending = ""
        if line.endswith("\\"):
            pending = line[:-1] + " "
            continue
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            section = sections.setdefault(line.strip("[]"), {})
            continue
        key, _, value = line.partition("=")
        section.setdefault(key.strip(), []).append(value.strip())
    return sections


def unit_files(deploy_dir):
    return sorted((Path(deploy_dir) / "systemd").glob("leopard*"))


def install_copy(deploy_dir, target, prefix=CHECKOUT):
    """The units with PREFIX rewritten to `prefix`, in `target`."""
    target.mkdir(parents=True, exist_ok=True)
    for unit in unit_files(deploy_dir):
        (target / unit.name).write_text(unit.read_text().replace(PREFIX, str(prefix)))
    return sorted(target.iterdir())


def systemd_analyze():
    path = shutil.which("systemd-analyze")
    if not path:
        raise RuntimeError("systemd-analyze is missing: apt-get install systemd")
    return path


def verify_units(deploy_dir):
    problems = []
    analyze = systemd_analyze()
    with tempfile.TemporaryDirectory() as scratch:
        units = install_copy(deploy_dir, Path(scratch))
        if not units:
            return [f"no units in {deploy_dir}/systemd"]
        for unit in units:
            # Anything it says is a problem: an unknown key is only a warning to systemd.
            result = _run([analyze, "verify", "--man=no", str(unit)])
            if result.returncode or result.stdout.strip() or result.stderr.strip():
                problems.append(f"systemd-analyze verify {unit.name}: {_said(result)}")
                continue
            if unit.suffix != ".service":
                continue
            result = _run(
                [
                    analyze,
                    "security",
                    "--offline=yes",
                    f"--threshold={SECURITY_THRESHOLD}",
                    "--no-pager",
                    str(unit),
                ]
            )
            if result.returncode:
                exposure = re.search(r"Overall exposure level.*", result.stdout)
                problems.append(
                    f"systemd-analyze security {unit.name}: "
                    f"{exposure.group(0) if exposure else _said(result)} "
                    f"(at most {SECURITY_THRESHOLD / 10:.1f})"
                )
    return problems


def verify_user_and_directories(deploy_dir):
    problems = []
    sysusers = Path(deploy_dir) / "sysusers.d" / "leopard.conf"
    tmpfiles = Path(deploy_dir) / "tmpfiles.d" / "leopard.conf"
    manage = Path(deploy_dir) / "leopard-manage"
    result = _run(["sh", "-n", str(manage)])
    if result.returncode or not os.access(manage, os.X_OK):
        problems.append(f"{manage.name}: not an executable shell script: {_said(result)}")
    result = _run(["systemd-sysusers", "--dry-run", str(sysusers.resolve())])
    if result.returncode or "leopard" not in result.stdout + result.stderr:
        problems.append(f"systemd-sysusers {sysusers.name}: {_said(result)}")
    if os.geteuid() != 0:
        # systemd-tmpfiles gives the directories to the leopard user: only root may.
        print("deploy-check: tmpfiles.d not tried (needs root, as on CI and the machines)")
        return problems
    with tempfile.TemporaryDirectory() as root:
        (Path(root) / "etc").mkdir()
        (Path(root) / "etc" / "passwd").write_text("leopard:x:995:995::/:/usr/sbin/nologin\n")
        (Path(root) / "etc" / "group").write_text("leopard:x:995:\n")
        result = _run(["systemd-tmpfiles", f"--root={root}", "--create", str(tmpfiles.resolve())])
        if result.returncode or result.stderr.strip():
            problems.append(f"systemd-tmpfiles {tmpfiles.name}: {_said(result)}")
        for unit in unit_files(deploy_dir):
            for paths in read_unit(unit).get("Service", {}).get("ReadWritePaths", []):
                for path in paths.split():
                    if not path.startswith("-") and not Path(root, path.lstrip("/")).is_dir():
                        problems.append(
                            f"{unit.name}: ReadWritePaths={path} is not made by tmpfiles.d "
                            "(the unit would not start)"
                        )
    return problems


def check_deploy(values):
    """manage.py check --deploy with only these variables (and PATH) in the environment."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", **values}
    result = _run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=CHECKOUT,
        env=env,
        timeout=300,
    )
    if result.returncode:
        return [f"manage.py check --deploy with the example's environment: {_said(result)}"]
    return []


def check(deploy_dir):
    deploy_dir = Path(deploy_dir)
    example = deploy_dir / "leopard.env.example"
    try:
        values, named = read_environment_file(example)
    except ValueError as error:
        return [str(error)]
    problems = [
        f"{example.name} does not name {name} ({where} reads it)"
        for name, where in sorted(variables_read(settings_files()).items())
        if name not in named
    ]
    problems += verify_units(deploy_dir)
    problems += verify_user_and_directories(deploy_dir)
    problems += check_deploy(values)
    return problems


def _run(command, **kwargs):
    kwargs.setdefault("timeout", 120)
    return subprocess.run(command, capture_output=True, text=True, **kwargs)


def _said(result):
    said = result.stderr.strip() or result.stdout.strip() or f"exit {result.returncode}"
    if "Traceback (most recent call last)" in said:
        said = said.splitlines()[-1]  # the exception; the frames are Django's, not ours
    return said.replace("\n", "\n    ")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deploy-dir", default=Path(__file__).resolve().parent, type=Path)
    args = parser.parse_args(argv)
    problems = check(args.deploy_dir)
    for problem in problems:
        print(f"deploy-check: {problem}")
    if problems:
        return 1
    print(f"deploy-check: {args.deploy_dir} is fine")
    return 0


if __name__ == "__main__":
    sys.exit(main())
