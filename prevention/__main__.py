"""Command line: python -m prevention db upgrade | import | export | seed | rules | fetch |
reparse (and users)."""

from __future__ import annotations

import sys

from prevention.cli import main

if __name__ == "__main__":
    sys.exit(main())
