"""/var/log/xen/xend.log as xend writes it (XendLogging.LOGFILE_FORMAT):

    [YYYY-MM-DD HH:MM:SS PID] LEVEL (module:line) message

`module:line` is where the real xend makes that call (last xend, Xen 4.4),
so the lines read like a real xend.log. xend logs at DEBUG by default.
"""
import os
import threading
import time

from xensim import paths

DAEMON_STARTED = ("INFO", "SrvDaemon:332")
CHANGESET = ("INFO", "SrvDaemon:336")
START_FAILED = ("ERROR", "SrvDaemon:354")
LISTENING = ("DEBUG", "tcp:96")
REJECTED = ("WARNING", "connection:293")

_lock = threading.Lock()


def log(site, message):
    """Append one line from the call site `site` (a (LEVEL, "module:line") pair above)."""
    level, where = site
    line = "[%s %d] %s (%s) %s\n" % (time.strftime("%Y-%m-%d %H:%M:%S"), os.getpid(), level, where, message)
    name = paths.path(paths.XEND_LOG)
    with _lock:
        os.makedirs(os.path.dirname(name), exist_ok=True)
        with open(name, "a") as f:
            f.write(line)
