"""Simulated `xend` service: a real daemon process per host.

`xend start` forks a daemon that writes /var/run/xend.pid and serves the
unix socket xm connects to; `stop` ends it; `status` exits 0 when it runs
and 3 when it does not (LSB, as xend's SrvDaemon.status).
"""
import os
import signal
import socket
import sys
import time

from xensim import paths

NOT_RUNNING = 3
START_TIMEOUT = 5.0
USAGE = "usage: xend {start|stop|restart|status}\n"


def running_pid():
    """The pid of the running xend, or None."""
    try:
        with open(paths.path(paths.XEND_PID_FILE)) as f:
            pid = int(f.read().strip())
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            cmdline = f.read()
    except (OSError, ValueError):
        return None
    return pid if b"xend" in cmdline else None


def _log(message):
    line = "[%s %d] INFO (SrvDaemon:%d) %s\n" % (time.strftime("%Y-%m-%d %H:%M:%S"), os.getpid(), 332, message)
    log = paths.path(paths.XEND_LOG)
    os.makedirs(os.path.dirname(log), exist_ok=True)
    with open(log, "a") as f:
        f.write(line)


def _serve():
    """The daemon: owns the xmlrpc socket until SIGTERM."""
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    socket_dir = paths.path(paths.XEND_SOCKET_DIR)
    os.makedirs(socket_dir, mode=0o700, exist_ok=True)
    os.chmod(socket_dir, 0o700)
    address = paths.path(paths.XEND_SOCKET)
    if os.path.exists(address):
        os.unlink(address)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(address)
    server.listen(16)
    with open(paths.path(paths.XEND_PID_FILE), "w") as f:
        f.write("%d\n" % os.getpid())

    def terminate(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, terminate)
    _log("Xend Daemon started")
    _log("Xend changeset: unavailable.")
    try:
        while True:
            connection, _ = server.accept()
            connection.close()
    finally:
        server.close()
        for name in (address, paths.path(paths.XEND_PID_FILE)):
            if os.path.exists(name):
                os.unlink(name)


def start():
    if running_pid():
        return 0
    if paths.unprivileged():
        sys.stderr.write("xend: must be run as root\n")
        return 1
    os.makedirs(os.path.dirname(paths.path(paths.XEND_PID_FILE)), exist_ok=True)
    child = os.fork()
    if child == 0:
        os.setsid()
        if os.fork() == 0:
            try:
                _serve()
            finally:
                os._exit(0)
        os._exit(0)
    os.waitpid(child, 0)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if running_pid() and os.path.exists(paths.path(paths.XEND_SOCKET)):
            return 0
        time.sleep(0.02)
    sys.stderr.write("xend: the daemon did not start; see %s\n" % paths.XEND_LOG)
    return 1


def stop():
    pid = running_pid()
    if pid is None:
        return 0
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if running_pid() is None:
            return 0
        time.sleep(0.02)
    sys.stderr.write("xend: pid %d did not stop\n" % pid)
    return 1


def main(args):
    if len(args) != 1:
        sys.stderr.write(USAGE)
        return 1
    action = args[0]
    if action == "start":
        return start()
    if action == "stop":
        return stop()
    if action == "restart":
        return stop() or start()
    if action == "status":
        return 0 if running_pid() else NOT_RUNNING
    sys.stderr.write(USAGE)
    return 1
