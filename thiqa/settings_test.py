"""Settings for the test suite: the test profile with a fresh data directory per process."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("THIQA_PROFILE", "test")
if "THIQA_DATA_DIR" not in os.environ:
    os.environ["THIQA_DATA_DIR"] = tempfile.mkdtemp(prefix="thiqa-test-")
    atexit.register(shutil.rmtree, os.environ["THIQA_DATA_DIR"], ignore_errors=True)
os.environ.setdefault("THIQA_SITE_URL", "http://testserver")
os.environ.setdefault("THIQA_INBOUND_DOMAINS", "testserver,thiqa.example")

from thiqa.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; argon2 is tested explicitly
