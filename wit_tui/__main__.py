"""``python -m wit_tui`` runs the same entry point as the ``wit-tui`` console script."""

import sys

from wit_tui.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
