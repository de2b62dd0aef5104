"""``python -m gpscli``: the same as the ``gps`` command (where the console script is not on PATH)."""

from gpscli.cli import main

main()
