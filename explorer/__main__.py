"""``python -m explorer``."""

import sys

try:
    from explorer.cli import console
except KeyboardInterrupt:  # interrupted while starting: as the command says it
    print("error: interrupted", file=sys.stderr)
    sys.exit(2)

console()
