"""Run as: python3 path/to/xensim TOOL [ARGS...]  (TOOL: xm, xl, xend, init-state)."""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from xensim.cli import main  # noqa: E402  (needs the path above)

sys.exit(main(sys.argv[1:]))
