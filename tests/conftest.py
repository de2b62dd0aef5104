from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

SAMPLE = ROOT / "sample_data"
FOREIGN = ROOT.parent / "shared" / "corpus" / "foreign"


@pytest.fixture
def sample_dir() -> Path:
    return SAMPLE


@pytest.fixture(autouse=True)
def _isolated_cwd(tmp_path, monkeypatch):
    """Tests never depend on the working directory (and never find the repo's gps.toml by accident)."""
    monkeypatch.chdir(tmp_path)
