"""Where the bundled case study lives, and the fixed 'today' the tests build it with."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CASE_STUDY = REPO / "data" / "datasets" / "tiktok-2024"
TODAY = "2026-11-24"  # fixed so that future-date rules give the same answer on every day
