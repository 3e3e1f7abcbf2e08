"""``python -m sample_data.generate [OUT_DIR] [--no-check]``: see the package docstring."""

import sys

from sample_data.generate import main

sys.exit(main(sys.argv[1:]))
