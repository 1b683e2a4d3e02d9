"""A local stand-in for S3 object storage: moto's server mode, as a process of its own.

`S3StandIn` starts `python -m moto.server` on a free port (nothing is downloaded; moto[server]
is a dev dependency) and makes the portal's two buckets as docs/deploy.md tells an operator to:

- the public media bucket, which anyone may read object by object through its bucket policy
  (s3:GetObject only: nobody may list it);
- the private camera-trap bucket: no policy, public access blocked.

Every process that talks to it (this test process, the web servers, workers and schedulers a
test starts) gets the same environment, `stand_in.env()`: the bucket names, the endpoint, a
region and fake credentials (moto accepts any). The portal's own settings turn that into
django-storages' configuration; `use_in_this_process(settings, monkeypatch)` loads
portal/settings.py with that environment, so this process stores files exactly as the servers do.

    with S3StandIn() as stand_in:
        buckets = stand_in.new_buckets()          # fresh, uniquely named, for one test
        server = AsgiServer(buckets.env()).start()
        stand_in.client().list_objects_v2(Bucket=buckets.private)
        buckets.anonymous_get(buckets.private, key)   # what a visitor without keys gets

The pytest fixtures `s3_stand_in` (one server per test session) and `object_storage` (fresh
buckets, and this process's settings pointed at them) are in tests/conftest.py.
"""

import json
import os
import runpy
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import boto3
import httpx

REGION = "eu-central-1"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "stand-in-key", "AWS_SECRET_ACCESS_KEY": "stand-in-secret"}
PROJECT = Path(__file__).resolve().parent.parent


def public_read_policy(bucket):
    """The public bucket's policy (as in docs/deploy.md): anyone may get an object by its name."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "PublicReadOfMedia",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{bucket}/*",
                }
            ],
        }
    )


@dataclass
class Buckets:
    """One test's pair of buckets on the stand-in."""

    endpoint: str
    public: str
    private: str

    def env(self):
        return {
            "AWS_STORAGE_BUCKET_NAME": self.public,
            "AWS_PRIVATE_BUCKET_NAME": self.private,
            "AWS_S3_ENDPOINT_URL": self.endpoint,
            "AWS_S3_REGION_NAME": REGION,
            **CREDENTIALS,
        }

    def url(self, bucket, key):
        return f"{self.endpoint}/{bucket}/{key}"

    def anonymous_get(self, bucket, key):
        """An unsigned GET of the object's plain URL, as a browser or a crawler makes it."""
        return httpx.get(self.url(bucket, key), timeout=10)


class S3StandIn:
    def __init__(self, log_path=None):
        from tests.conftest import free_port

        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.process = None

    def start(self):
        self._log = open(self.log_path, "wb") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            cwd=PROJECT,
            env={**os.environ, **CREDENTIALS},
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"moto's S3 server exited with {self.process.returncode}")
            try:
                httpx.get(f"{self.endpoint}/moto-api/", timeout=1)
                return self
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("moto's S3 server did not answer within 30 s")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if self.log_path and self._log:
            self._log.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )

    def new_buckets(self):
        """A public and a private bucket with names no other test uses, set up as deployed."""
        suffix = secrets.token_hex(4)
        buckets = Buckets(self.endpoint, f"leopard-media-{suffix}", f"leopard-private-{suffix}")
        client = self.client()
        for name in (buckets.public, buckets.private):
            client.create_bucket(
                Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION}
            )
        client.put_bucket_policy(Bucket=buckets.public, Policy=public_read_policy(buckets.public))
        client.put_public_access_block(
            Bucket=buckets.private,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": True,
                "RestrictPublicBuckets": True,
            },
        )
        return buckets

    def keys(self, bucket):
        listing = self.client().list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listing.get("Contents", []))


# The settings that portal/settings.py derives from the object-storage environment.
STORAGE_SETTINGS = ("STORAGES", "SERVE_MEDIA", "MEDIA_ORIGINS")


def use_in_this_process(buckets, settings, monkeypatch):
    """Points this process at the buckets through the portal's own settings code: the
    environment is set (server processes started later inherit it), portal/settings.py is run
    with it, and what it made of the storage variables replaces the test settings."""
    for name, value in buckets.env().items():
        monkeypatch.setenv(name, value)
    computed = runpy.run_path(str(PROJECT / "portal" / "settings.py"))
    for name, value in computed.items():
        if name in STORAGE_SETTINGS or name.startswith("AWS_"):
            setattr(settings, name, value)
    return computed
