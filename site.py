"""Entry point: `python site.py build | serve | new | check`."""
import signal

signal.signal(signal.SIGINT, signal.SIG_DFL)   # Ctrl-C while importing: stop quietly (nothing to clean up yet)

from sitegen.cli import main  # noqa: E402

raise SystemExit(main())
