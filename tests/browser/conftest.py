"""Debian's headless Chromium through Playwright. A missing Chromium FAILS these tests (it does not skip
them): `make test` installs it with `make browser`; run `-m "not browser"` to leave them out on purpose."""

from __future__ import annotations

from pathlib import Path

import pytest

from .browser import CHROMIUM, CHROMIUM_ARGS


def require_chromium() -> None:
    """Fail (not skip) with the fix when Debian's chromium is not installed."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (or deselect with -m 'not browser')")


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module."""
    from playwright.sync_api import sync_playwright

    require_chromium()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()
