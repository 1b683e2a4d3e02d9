"""`manage.py` commands run as real processes on the test database (the scheduler, the task
worker), as production runs them; and waiting for what they do."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings

from tests.conftest import BASE_DIR, database_url


class ManageProcess:
    """`python manage.py <args>` in a process of its own, its output in a log file."""

    def __init__(self, args, log_path, **extra_env):
        self.args = list(args)
        self.log_path = log_path
        self.extra_env = extra_env
        self.process = None

    def env(self):
        return {
            **os.environ,
            "DATABASE_URL": database_url(),
            "DEBUG": "true",
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "PYTHONUNBUFFERED": "1",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
            **self.extra_env,
        }

    def start(self):
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", *self.args],
            cwd=BASE_DIR,
            env=self.env(),
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        return self

    @property
    def pid(self):
        return self.process.pid

    def log(self):
        return self.log_path.read_text(errors="replace")

    def kill(self):
        """kill -9: no clean-up at all, as when a machine's process is lost."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self, sig=signal.SIGTERM, timeout=30):
        """Stops the process (SIGTERM by default); returns its exit code."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if not self._log.closed:
            self._log.close()
        return self.process.returncode


def wait_until(condition, what, seconds=60, processes=()):
    """Polls `condition` until it returns something true, which is returned; fails after
    `seconds` saying what did not happen (and what the processes wrote)."""
    deadline = time.monotonic() + seconds
    while True:
        result = condition()
        if result:
            return result
        for process in processes:
            if process.process.poll() is not None:
                raise AssertionError(
                    f"{process.args} exited ({process.process.returncode}) before {what}:\n"
                    f"{process.log()}"
                )
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {p.args}\n{p.log()}" for p in processes)
            raise AssertionError(f"not within {seconds} s: {what}\n{logs}")
        time.sleep(0.2)
