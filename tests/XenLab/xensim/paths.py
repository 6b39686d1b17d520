"""Where a simulated host keeps its files.

Inside a lab host everything lives at the real paths. XENSIM_ROOT moves the
whole tree under another directory, so the simulator can run as a plain
process (the fidelity tests do that).
"""
import os


def root():
    return os.environ.get("XENSIM_ROOT", "/")


def unprivileged():
    """True for a non-root user on a real host tree; a XENSIM_ROOT tree belongs to whoever runs it."""
    return os.geteuid() != 0 and root() == "/"


def path(relative, under=None):
    return os.path.join(under or root(), relative.lstrip("/"))


STATE_FILE = "/var/lib/xen/xenlab/state.json"
XEND_CONFIG = "/etc/xen/xend-config.sxp"
XEND_PID_FILE = "/var/run/xend.pid"
XEND_SOCKET_DIR = "/var/run/xend"
XEND_SOCKET = "/var/run/xend/xmlrpc.sock"
XEND_LOG = "/var/log/xen/xend.log"
XEND_DEBUG_LOG = "/var/log/xen/xend-debug.log"
