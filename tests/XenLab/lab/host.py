"""One lab host: its private files, its namespaces, its sshd.

A host's root is an overlay: the machine's / below, the host's private
directory (LABDIR/hosts/NAME/root) above. Everything the host owns
(/etc/xen, /etc/passwd, /etc/ssh/sshd_config, /var/lib/xen, /root/.ssh,
/home, /usr/sbin/xm ...) is written into that directory before start, so
the machine's own files are never touched. The host's sshd is the process
that holds the namespaces; `exec` enters them through its pid.
"""
import compileall
import ctypes
import json
import os
import shlex
import shutil
import socket
import subprocess
import time

from lab import access
from lab.network import connect_in, netns_name
from lab.system import LabError, run
from xensim import guestnet, hostinfo, paths, state as hoststate, xlcfg

XENLAB_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
XENSIM = os.path.join(XENLAB_DIR, "xensim")
SSH_READY_TIMEOUT = 10.0
MNT_DETACH = 2
OPAQUE_DIRS = ("etc/xen", "var/lib/xen", "var/log/xen", "root/.ssh", "home")

SSHD_CONFIG = """# XenLab host {name}
{ports}
{listen}
HostKey /etc/ssh/ssh_host_ed25519_key
PidFile {pid_file}
PermitRootLogin yes
PubkeyAuthentication yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
UsePAM no
AuthorizedKeysFile .ssh/authorized_keys
StrictModes yes
UseDNS no
PrintMotd no
MaxStartups 100:30:200
MaxSessions 50
AcceptEnv LANG LC_*
Subsystem sftp /usr/lib/openssh/sftp-server
"""


INIT_SCRIPT = """#!/bin/sh
# /etc/init.d/xend of a XenLab host; SUSE's /usr/sbin/rcxend is a link to it.
# As Xen's own init script, each action runs the xend command of that name:
# start and restart read /etc/xen/xend-config.sxp again, status exits 0 or 3.
case "$1" in
    start|stop|status|restart)
        exec /usr/sbin/xend "$1" ;;
    force-reload)
        exec /usr/sbin/xend restart ;;
    *)
        echo "Usage: $0 {start|stop|status|restart|force-reload}"
        exit 1 ;;
esac
"""


# The hosts' own shell start-up files, so that nothing of the machine's (~/.bashrc, /etc/bash.bashrc, which
# Debian's bash reads even for a command run by sshd) runs at a lab login. /root itself stays transparent:
# the lab and the repository may live under it.
SHELL_FILES = {
    "etc/bash.bashrc": "# /etc/bash.bashrc of a XenLab host (the machine's is not read here).\n"
                       "[ -z \"$PS1\" ] && return\n"
                       "PS1='\\u@\\h:\\w\\$ '\n",
    "root/.bashrc": "# ~/.bashrc of root on a XenLab host (the machine's is not read here).\n"
                    "[ -z \"$PS1\" ] && return\n",
    "root/.profile": "# ~/.profile of root on a XenLab host (the machine's is not read here).\n"
                     "if [ -n \"$BASH_VERSION\" ] && [ -f ~/.bashrc ]; then . ~/.bashrc; fi\n",
    "root/.bash_profile": "# ~/.bash_profile of root on a XenLab host (the machine's is not read here).\n"
                          "[ -f ~/.profile ] && . ~/.profile\n",
    "root/.bash_logout": "# ~/.bash_logout of root on a XenLab host (the machine's is not read here).\n",
}


def host_dir(labdir, name):
    return os.path.join(labdir, "hosts", name)


def upper_dir(labdir, name):
    """The host's private files: what its root adds to or changes from the machine's."""
    return os.path.join(host_dir(labdir, name), "root")


def root_key(labdir, name):
    """Where root's own private key lives inside the host (/root/.ssh/id_ed25519)."""
    return os.path.join(upper_dir(labdir, name), "root", ".ssh", "id_ed25519")


def log_file(labdir, name):
    """Where the host's sshd (and its start) writes its log."""
    return os.path.join(host_dir(labdir, name), "sshd.log")


def _write(path, text, mode=0o644, owner=None):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(path, mode)
    if owner is not None:
        os.chown(path, *owner)


def _sparse(path, size_mb):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.truncate(size_mb * 1024 * 1024)


def create_shares(labdir, shares):
    for share, entry in shares.items():
        directory = os.path.join(labdir, "shares", share)
        os.makedirs(directory, exist_ok=True)
        for name, size in entry.get("files", {}).items():
            _sparse(os.path.join(directory, name), size)


def _like_machine(path, machine_path):
    info = os.stat(machine_path)
    os.chown(path, info.st_uid, info.st_gid)
    os.chmod(path, info.st_mode & 0o7777)


def _wrapper(tool):
    """/usr/sbin/TOOL of a host. A lab test calls the simulated tools thousands of times, each a Python process of its own,
    so the start-up is kept short: -S skips site (the simulator uses the standard library only), -I keeps the caller's
    PYTHON* variables and the current directory out, and the script is __main__.py itself (running the package's
    directory would load runpy and importlib.util first). -B: no host writes bytecode into its own overlay; they all read
    what compile_simulator wrote beside the source before they started."""
    return '#!/bin/sh\nexec /usr/bin/python3 -I -S -B %s %s "$@"\n' % (shlex.quote(os.path.join(XENSIM, "__main__.py")), tool)


def compile_simulator():
    """Writes the simulator's bytecode into xensim/__pycache__, on the machine, before any host starts: the hosts see it
    through their overlay's lower layer. Without it every call of a simulated tool compiles each module it imports, which
    costs more than the call's own work. Bytecode that cannot be written (a read-only copy of the lab) only makes the
    calls slower, so a failure here is not the start's."""
    compileall.compile_dir(XENSIM, maxlevels=0, quiet=2)


def prepare(labdir, host, etc_hosts, users, accounts, keys, root_trusts, root_known_hosts):
    """Write the host's private files (its overlay upper directory). `etc_hosts` are the (address, name)
    pairs of its /etc/hosts; `keys` are authorized for every user, `root_trusts` (root keys of other
    hosts) for root only; `root_known_hosts` (the host keys of the hosts in root_ssh_to) becomes root's
    known_hosts when not empty. A host without toolstacks (a bastion) gets only the files of a login host.
    sshd listens on every address in `listen` (default the host's address), on port 22 and each of `ssh_ports`."""
    name = host["name"]
    root = upper_dir(labdir, name)
    for directory in OPAQUE_DIRS:
        path = os.path.join(root, directory)
        os.makedirs(path, exist_ok=True)
        os.setxattr(path, "trusted.overlay.opaque", b"y")
    os.makedirs(os.path.join(host_dir(labdir, name), "work"), exist_ok=True)
    os.makedirs(os.path.join(host_dir(labdir, name), "mnt"), exist_ok=True)
    etc = os.path.join(root, "etc")
    _write(os.path.join(etc, "hostname"), name + "\n")
    _write(os.path.join(etc, "hosts"), "127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n"
           + "".join("%s\t%s\n" % pair for pair in etc_hosts))
    for path, text in SHELL_FILES.items():
        _write(os.path.join(root, path), text)
    for table, text in accounts.items():
        path = os.path.join(etc, table)
        _write(path, text)
        _like_machine(path, "/etc/" + table)
    _write(os.path.join(etc, "sudoers.d", "xenlab"), access.SUDOERS, mode=0o440)
    if host.get("xend_config_text") is not None:
        _write(os.path.join(root, paths.XEND_CONFIG.lstrip("/")), host["xend_config_text"])
    listen = "\n".join("ListenAddress %s" % address for address in host.get("listen", [host["address"]]))
    ports = "\n".join("Port %d" % port for port in [22] + host.get("ssh_ports", []))
    _write(os.path.join(etc, "ssh", "sshd_config"), SSHD_CONFIG.format(
        name=name, ports=ports, listen=listen, pid_file=os.path.join(host_dir(labdir, name), "sshd.pid")))
    for directory in ("root", "root/.ssh"):
        os.chmod(os.path.join(root, directory), 0o700)
    _write(os.path.join(root, "root", ".ssh", "authorized_keys"), keys + root_trusts, mode=0o600)
    if root_known_hosts:
        _write(os.path.join(root, "root", ".ssh", "known_hosts"), root_known_hosts)
    for user, entry in users.items():
        if user == "root":
            continue
        owner = (entry["uid"], entry["uid"])
        home = os.path.join(root, "home", user)
        for directory, mode in ((home, 0o755), (os.path.join(home, ".ssh"), 0o700)):
            os.makedirs(directory, exist_ok=True)
            os.chmod(directory, mode)
            os.chown(directory, *owner)
        _write(os.path.join(home, ".ssh", "authorized_keys"), keys, mode=0o600, owner=owner)
    tools = list(host["toolstacks"]) + (["xend"] if "xm" in host["toolstacks"] else [])
    for tool in tools:
        _write(os.path.join(root, "usr", "sbin", tool), _wrapper(tool), mode=0o755)
    if "xend" in tools:
        _write(os.path.join(etc, "init.d", "xend"), INIT_SCRIPT, mode=0o755)
        os.symlink("/etc/init.d/xend", os.path.join(root, "usr", "sbin", "rcxend"))
    if "state" not in host:
        return
    hoststate.save(host["state"], root=root)
    for dom in hoststate.halted_domains(host, host["state"]):
        _write(os.path.join(root, "etc", "xen", dom["name"] + ".cfg"), xlcfg.render(dom))
    for entry in host.get("storage", []):
        directory = os.path.join(root, entry["path"].lstrip("/"))
        os.makedirs(directory, exist_ok=True)
        if "share" not in entry:
            for file_name, size in entry.get("files", {}).items():
                _sparse(os.path.join(directory, file_name), size)
    _write(os.path.join(host_dir(labdir, name), "cpuinfo"), hostinfo.cpuinfo(host["state"]))


def _mount(*args):
    run(["mount"] + list(args))


def _mount_point(path):
    path = os.path.realpath(path)
    while not os.path.ismount(path):
        path = os.path.dirname(path)
    return path


def _pivot(new_root):
    """Make new_root the root of this mount namespace and drop the old one."""
    old_root = os.open("/", os.O_RDONLY | os.O_DIRECTORY)
    os.chdir(new_root)
    run(["pivot_root", ".", "."])
    os.fchdir(old_root)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.umount2(b".", MNT_DETACH) != 0:
        raise LabError("detaching the old root failed: %s" % os.strerror(ctypes.get_errno()))
    os.close(old_root)
    os.chdir("/")


def init_inside(labdir, name):
    """Runs as the host's first process, inside its fresh net, mount and uts
    namespaces: builds the root, then becomes the host's sshd."""
    with open(os.path.join(labdir, "lab.json"), encoding="utf-8") as f:
        lab = json.load(f)
    host = next(h for h in lab["hosts"] + ([lab["bastion"]] if lab.get("bastion") else []) if h["name"] == name)
    directory = host_dir(labdir, name)
    new_root = os.path.join(directory, "mnt")
    _mount("-t", "overlay", "xenlab-" + name, "-o", "lowerdir=/,upperdir=%s,workdir=%s"
           % (upper_dir(labdir, name), os.path.join(directory, "work")), new_root)
    for special in ("/proc", "/sys", "/dev"):
        _mount("--rbind", special, new_root + special)
    for needed in {_mount_point(labdir), _mount_point(XENLAB_DIR)} - {"/"}:
        _mount("--rbind", needed, new_root + needed)
    if os.path.exists(os.path.join(directory, "cpuinfo")):
        _mount("--bind", os.path.join(directory, "cpuinfo"), new_root + "/proc/cpuinfo")
    _mount("-t", "tmpfs", "-o", "mode=755", "run", new_root + "/run")
    for entry in host["storage"]:
        if "share" in entry:
            _mount("--bind", os.path.join(labdir, "shares", entry["share"]), new_root + entry["path"])
    _pivot(new_root)
    socket.sethostname(name)
    os.makedirs("/run/sshd", mode=0o755)
    if host["xend_running"]:
        subprocess.run(["/usr/sbin/xend", "start"], check=True)
    _start_guest_services(lab, host)
    os.execv("/usr/sbin/sshd", ["/usr/sbin/sshd", "-D", "-e", "-f", "/etc/ssh/sshd_config"])


def _start_guest_services(lab, host):
    """The listener of every lab guest's service (see xensim/guestnet.py), and the addresses of the guests this host runs."""
    guests = lab.get("guests") or []
    if not guests or not host.get("toolstacks"):
        return
    subprocess.Popen(["/usr/bin/python3", "-B", XENSIM, "guest-service"]
                     + ["%s:%d" % (g["address"], g["port"]) for g in guests],
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, start_new_session=True)
    for dom in hoststate.load()["domains"]:
        if dom.get("guest_address") and "p" not in dom["state"]:
            guestnet.attach(dom)


def launch(labdir, lab_name, name):
    """Start the host's first process in its namespaces; its pid becomes the sshd's."""
    log = open(log_file(labdir, name), "ab")
    command = ["ip", "netns", "exec", netns_name(lab_name, name),
               "unshare", "--mount", "--uts", "--propagation", "private", "--",
               "/usr/bin/python3", "-B", os.path.join(XENLAB_DIR, "xenlab.py"), "_init-host", "--dir", labdir, name]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
    log.close()
    return process


def wait_ready(labdir, name, address, process, netns=None):
    """Wait until the host's sshd answers on port 22 (asked from inside network namespace `netns` when
    given: a host behind a bastion is not reachable from the machine)."""
    deadline = time.monotonic() + SSH_READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise LabError("host %s did not start (exit %d); see %s"
                           % (name, process.returncode, log_file(labdir, name)))
        try:
            connection = (connect_in(netns, address, 22, 0.5) if netns
                          else socket.create_connection((address, 22), timeout=0.5))
            with connection:
                if connection.recv(4).startswith(b"SSH-"):
                    return
        except OSError:
            time.sleep(0.05)
    raise LabError("sshd of host %s did not answer on %s:22 within %d s; see %s"
                   % (name, address, SSH_READY_TIMEOUT, log_file(labdir, name)))


def enter(pid, command):
    """Run a command in the host's net, mount and uts namespaces, as root."""
    return subprocess.call(["nsenter", "--target", str(pid), "--net", "--mount", "--uts", "--"] + command)


def remove_files(labdir, name):
    directory = host_dir(labdir, name)
    if os.path.isdir(directory):
        shutil.rmtree(directory)
