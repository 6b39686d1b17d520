"""Simulated `xend` service: a real daemon process per host.

Like xend, every `xend` command first reads /etc/xen/xend-config.sxp; a file
xend cannot read fails the command with xend's message (exit 1), so a
running daemon keeps running with the settings it started with. `start`
forks a daemon that writes /var/run/xend.pid, starts the relocation server
when the file asks for it (see relocation.py), serves the unix socket xm
connects to, and only then reports success through a pipe, as
SrvDaemon.start does; a value xend refuses (a bool or int that is not one,
an address it cannot bind) ends the daemon, leaves the reason in
/var/log/xen/xend.log and makes `start` exit 1 without a message. `stop`
ends the daemon and waits until it is gone; `status` exits 0 when it runs
and 3 when it does not (LSB, as xend's SrvDaemon.status).
"""
import os
import signal
import socket
import sys
import time

from xensim import paths, relocation, xendconfig, xendlog

NOT_RUNNING = 3
STOP_TIMEOUT = 5.0
USAGE = "usage: xend {start|stop|restart|status}\n"


def alive(pid):
    """True while the process runs; a zombie waiting for its reaper counts as gone."""
    if not pid:
        return False
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def running_pid():
    """The pid of the running xend, or None."""
    try:
        with open(paths.path(paths.XEND_PID_FILE)) as f:
            pid = int(f.read().strip())
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            cmdline = f.read()
    except (OSError, ValueError):
        return None
    return pid if b"xend" in cmdline and alive(pid) else None


def _detach():
    """Standard input and output to /dev/null, standard error to xend-debug.log, as xend's daemonize."""
    debug_log = paths.path(paths.XEND_DEBUG_LOG)
    os.makedirs(os.path.dirname(debug_log), exist_ok=True)
    devnull = os.open(os.devnull, os.O_RDWR)
    log = os.open(debug_log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    for fd, target in ((0, devnull), (1, devnull), (2, log)):
        os.dup2(target, fd)
    os.close(devnull)
    os.close(log)
    sys.stderr.write("Xend started at %s.\n" % time.asctime())
    sys.stderr.flush()


def _unix_server():
    socket_dir = paths.path(paths.XEND_SOCKET_DIR)
    os.makedirs(socket_dir, mode=0o700, exist_ok=True)
    os.chmod(socket_dir, 0o700)
    address = paths.path(paths.XEND_SOCKET)
    if os.path.exists(address):
        os.unlink(address)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(address)
    server.listen(16)
    return server


def _report(status, code):
    os.write(status, b"%d" % code)
    os.close(status)


def _relocation_port(options):
    """What the daemon tells each client on its socket: the relocation port it read at start, which
    `xm migrate` without -p uses (XendDomain._domain_migrate: if port == 0: port =
    xoptions.get_xend_relocation_port()), or the error xend raises for a value that is not an int."""
    try:
        return b"relocation-port %d\n" % options.integer("xend-relocation-port", relocation.DEFAULT_PORT)
    except xendconfig.OptionError as e:
        return ("error %s\n" % e).encode()


def _serve(options, status):
    """The daemon: starts its servers, reports to `xend start` through `status`, then serves until SIGTERM."""
    _detach()

    def terminate(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, terminate)
    with open(paths.path(paths.XEND_PID_FILE), "w") as f:
        f.write("%d\n" % os.getpid())
    xendlog.log(xendlog.DAEMON_STARTED, "Xend Daemon started")
    xendlog.log(xendlog.CHANGESET, "Xend changeset: unavailable.")
    relocation_server = unix_server = None
    try:
        try:
            relocation_server = relocation.listen(options)
            unix_server = _unix_server()
        except Exception as e:
            sys.stderr.write("Exception starting xend: %s\n" % e)
            xendlog.log(xendlog.START_FAILED, "Exception starting xend (%s)" % e)
            _report(status, 1)
            return
        _report(status, 0)
        answer = _relocation_port(options)
        while True:
            connection, _ = unix_server.accept()
            try:
                connection.sendall(answer)
            except OSError:
                pass
            connection.close()
    finally:
        for server in (relocation_server, unix_server):
            if server is not None:
                server.close()
        for name in (paths.path(paths.XEND_SOCKET), paths.path(paths.XEND_PID_FILE)):
            if os.path.exists(name):
                os.unlink(name)


def start(options):
    if running_pid():
        return 0
    if paths.unprivileged():
        sys.stderr.write("xend: must be run as root\n")
        return 1
    os.makedirs(os.path.dirname(paths.path(paths.XEND_PID_FILE)), exist_ok=True)
    answer, status = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(answer)
        os.setsid()
        if os.fork() == 0:
            try:
                _serve(options, status)
            finally:
                os._exit(0)
        os._exit(0)
    os.close(status)
    os.waitpid(child, 0)
    with os.fdopen(answer, "rb") as f:
        reported = f.read()
    return int(reported) if reported else 1


def stop():
    pid = running_pid()
    if pid is None:
        return 0
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    while time.monotonic() < deadline:
        if not alive(pid):
            return 0
        time.sleep(0.02)
    sys.stderr.write("xend: pid %d did not stop\n" % pid)
    return 1


def main(args):
    config = paths.path(paths.XEND_CONFIG)
    try:
        options = xendconfig.load(config)
    except xendconfig.ReadError as e:
        sys.stderr.write("xend [ERROR] Reading config file %s: %s\n" % (config, e))
        return 1
    action = args[0] if len(args) == 1 else None
    if action == "start":
        return start(options)
    if action == "stop":
        return stop()
    if action == "restart":
        return stop() or start(options)
    if action == "status":
        return 0 if running_pid() else NOT_RUNNING
    sys.stderr.write(USAGE)
    return 1
