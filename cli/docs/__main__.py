"""``python -m cli.docs``: write the generated documents (``--check``: only say which are out of date)."""

from cli.docs import main

raise SystemExit(main())
