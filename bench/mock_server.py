"""tests/mock_deepseek.py run as its own process for the benchmark."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests import mock_deepseek

if __name__ == "__main__":
    raise SystemExit(mock_deepseek.main())
