"""The production profile passes Django's deployment checklist; the demo profile does not."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def check_deploy(profile: str, data_dir: Path, **extra: str) -> subprocess.CompletedProcess:
    """``thiqa check --deploy --fail-level WARNING`` in a fresh process with only these settings."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("THIQA_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(
        {
            "THIQA_PROFILE": profile,
            "THIQA_DATA_DIR": str(data_dir),
            "DJANGO_SETTINGS_MODULE": "thiqa.settings",
            **extra,
        }
    )
    return subprocess.run(
        [sys.executable, "-m", "thiqa.cli", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_production_profile_is_deploy_clean(tmp_path: Path):
    result = check_deploy(
        "production",
        tmp_path,
        THIQA_SITE_URL="https://thiqa.example.org",
        THIQA_SECRET_KEY=secrets.token_urlsafe(64),
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output
    assert "System check identified no issues" in output


def test_the_demo_profile_is_not_deploy_clean(tmp_path: Path):
    result = check_deploy("demo", tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "WARNINGS" in output
    # debug on, no HSTS, no redirect to HTTPS, session cookie not secure
    for warning in ("security.W018", "security.W004", "security.W008", "security.W012"):
        assert warning in output, warning
