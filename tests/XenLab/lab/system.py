"""Running commands, and making sure the machine has what the lab needs."""
import os
import shutil
import subprocess


class LabError(Exception):
    """A failure the user can act on; the message says what to do."""


# command -> Debian package that provides it
REQUIRED = {
    "/usr/sbin/sshd": "openssh-server",
    "ssh-keygen": "openssh-client",
    "ssh-keyscan": "openssh-client",
    "ip": "iproute2",
    "sudo": "sudo",
    "openssl": "openssl",
    "nsenter": "util-linux",
    "unshare": "util-linux",
    "pivot_root": "util-linux",
}


def run(args, input=None, check=True):
    """Run a command; on failure raise LabError with its stderr."""
    result = subprocess.run(args, input=input, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise LabError("%s failed (exit %d): %s" % (" ".join(args), result.returncode,
                                                     (result.stderr or result.stdout).strip()))
    return result


def _missing_packages(required):
    return sorted({pkg for cmd, pkg in required.items() if not shutil.which(cmd)})


def _apt_install(packages):
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    command = ["apt-get", "install", "-y", "--no-install-recommends"] + packages
    if subprocess.run(command, env=env, capture_output=True).returncode == 0:
        return True
    subprocess.run(["apt-get", "update"], env=env, capture_output=True)
    return subprocess.run(command, env=env, capture_output=True).returncode == 0


def ensure_packages(required):
    """Installs with apt-get the Debian package of every command of `required` (command -> package) that is
    missing; says what to install by hand where it cannot."""
    missing = _missing_packages(required)
    if not missing:
        return
    wanted = " ".join(missing)
    if not shutil.which("apt-get"):
        raise LabError("missing packages: %s; install them (apt-get is not available here)" % wanted)
    if not _apt_install(missing) or _missing_packages(required):
        raise LabError("installing %s with apt-get failed; install them by hand: apt-get install -y %s"
                       % (wanted, wanted))


def ensure_prerequisites():
    """Root is required; missing Debian packages are installed with apt-get."""
    if os.geteuid() != 0:
        raise LabError("xenlab needs root (network namespaces, bridges and mounts); run it with sudo")
    ensure_packages(REQUIRED)
