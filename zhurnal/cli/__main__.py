"""``python -m zhurnal.cli``: the same command line as the ``zhurnal`` script."""

from zhurnal.cli import main

main()
