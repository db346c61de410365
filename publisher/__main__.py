"""`python -m publisher` is the same as the `mpac-publisher` command."""

import sys

from publisher.cli import main

sys.exit(main())
