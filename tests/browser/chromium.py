"""Headless Debian Chromium for tests: dump a page's DOM after its scripts ran, or take a screenshot.

Reuse from any test (``pythonpath`` includes ``tests``)::

    from browser.chromium import dump_dom, screenshot
    png = screenshot(html_path, tmp_path / "page.png", width=1280, height=2400)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-extensions",
    "--disable-dev-shm-usage",
)
TIMEOUT_S = 60


def find_chromium() -> str | None:
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def require_chromium() -> str:
    """The chromium binary; skips the test when it is missing, but fails it when CI=true."""
    binary = find_chromium()
    if binary is None:
        message = "chromium not installed (apt-get install -y chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + "; required when CI=true")
        pytest.skip(message)
    return binary


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    binary = require_chromium()
    with tempfile.TemporaryDirectory(prefix="chromium-profile-", ignore_cleanup_errors=True) as profile:
        command = [binary, *FLAGS, f"--user-data-dir={profile}", *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    if done.returncode != 0:
        raise AssertionError(f"chromium exited {done.returncode}: {done.stderr[-2000:]}")
    return done


def page_url(html_path: Path, fragment: str = "") -> str:
    return Path(html_path).resolve().as_uri() + fragment


def dump_dom(html_path: Path, fragment: str = "") -> str:
    """The serialized DOM after the page loaded and its scripts ran (``fragment`` like "#a=b")."""
    return _run(["--dump-dom", page_url(html_path, fragment)]).stdout


def screenshot(html_path: Path, png_path: Path, width: int = 1280, height: int = 2400) -> Path:
    """A PNG of the page at the given viewport size (the file tool can show it)."""
    png_path = Path(png_path)
    png_path.unlink(missing_ok=True)
    _run(
        [
            "--hide-scrollbars",
            f"--window-size={width},{height}",
            f"--screenshot={png_path.resolve()}",
            page_url(html_path),
        ]
    )
    if not png_path.is_file() or png_path.read_bytes()[:8] != b"\x89PNG\r\n\x1a\n":
        raise AssertionError(f"chromium wrote no PNG at {png_path}")
    return png_path
