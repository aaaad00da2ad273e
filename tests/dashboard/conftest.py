"""The dashboard tests' warehouses (the case study and the odd ones) come from tests/conftest.py; the dashboard
itself opens through the `dashboard` fixture (tests/helpers.py `open_app`)."""

from __future__ import annotations

import functools

import pytest

from tests.helpers import open_app


@pytest.fixture
def dashboard(monkeypatch):
    """open_app bound to this test's monkeypatch: dashboard(warehouse, page=None, **query_params) -> AppTest."""
    return functools.partial(open_app, monkeypatch)
