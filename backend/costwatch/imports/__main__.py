"""Entry point of ``python -m costwatch.imports``."""

import sys

from costwatch.imports.cli import main

if __name__ == "__main__":
    sys.exit(main())
