"""``python -m counterpoint``: the command line."""

from counterpoint.cli import main

main()
