"""Entry point: `python site.py build | serve | new | check`."""
from sitegen.cli import main

raise SystemExit(main())
