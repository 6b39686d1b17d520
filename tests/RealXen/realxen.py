#!/usr/bin/env python3
"""Two real Xen 4.17 dom0s under QEMU's software emulation, for XenPS's opt-in acceptance suite.

    realxen.py build --images DIR             build (or reuse) the dom0 images in DIR
    realxen.py start --images DIR --dir RUN   boot both dom0s and write RUN/ssh_config, known_hosts, realxen.json
    realxen.py stop  --dir RUN                power both off and remove their disk overlays
    realxen.py ssh   --dir RUN HOST -- CMD... run CMD on a dom0 (rx-a or rx-b) as root

Needs root. Missing Debian packages (debootstrap, QEMU, e2fsprogs, OpenSSH's client, cpio) are installed with
apt-get; the dom0s are built from the Debian archive that this machine's apt already uses. See README.md.
"""
import argparse
import glob
import gzip
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "XenLab"))
from lab.system import LabError, ensure_packages, run  # noqa: E402

SUITE = "bookworm"
PACKAGES = ["xen-hypervisor-4.17-amd64", "xen-utils-4.17", "linux-image-amd64", "openssh-server",
            "busybox-static", "iproute2", "systemd-sysv", "initramfs-tools", "cpio", "udev", "kmod", "procps",
            "netbase"]
REQUIRED = {"debootstrap": "debootstrap", "qemu-system-x86_64": "qemu-system-x86", "qemu-img": "qemu-utils",
            "mke2fs": "e2fsprogs", "ssh": "openssh-client", "ssh-keygen": "openssh-client", "cpio": "cpio"}
INITRAMFS_MODULES = ["virtio_pci", "virtio_blk", "virtio_net", "ext4"]
MIGRATION_NETWORK = "198.18.1.%d/24"
# Each dom0: its own name (what the other dom0 calls it), the client's alias for its forwarded SSH port, its
# address on the migration network, and the MACs of its two NICs (management through QEMU's user network,
# migration through a socket pair between the two QEMUs).
HOSTS = [
    {"name": "xen-a", "alias": "rx-a", "address": "198.18.1.1", "mac_user": "52:54:00:78:00:01",
     "mac_migration": "52:54:00:78:01:01"},
    {"name": "xen-b", "alias": "rx-b", "address": "198.18.1.2", "mac_user": "52:54:00:78:00:02",
     "mac_migration": "52:54:00:78:01:02"},
]
VM_MEMORY_MB = 2048
# A CPU model without XSAVE: with QEMU's "max" CPU, data that dom0 processes computed or copied with vector
# registers came out different from run to run (sha256sum of one file, and ssh between the dom0s failing with
# "incorrect signature" or a broken pipe).
QEMU_CPU = "Nehalem"
# smap=false: with SMAP on, Xen faults in create_bounce_frame under QEMU's emulation and dom0 crashes at its start.
XEN_COMMAND_LINE = ("dom0_mem=1024M,max:1024M dom0_max_vcpus=1 console=com1 com1=115200,8n1 loglvl=all noreboot "
                    "smap=false")
DOM0_COMMAND_LINE = "root=/dev/vda rw console=hvc0 earlyprintk=xen"
IMAGE_SIZE = "3G"
BOOT_TIMEOUT = 900
RUN_FILES = "/var/lib/xenps-realxen"


def log(message):
    print("realxen: %s" % message, flush=True)


def _digest(*parts):
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def _recipe_files():
    return [os.path.abspath(__file__)] + sorted(glob.glob(os.path.join(HERE, "image", "*")))


# --- the Debian archive this machine's apt uses ---------------------------------------------------------------

def _one_line_sources(path):
    for line in open(path):
        words = line.split("#", 1)[0].split()
        if len(words) >= 3 and words[0] == "deb":
            if words[1].startswith("["):
                while words and not words[1].endswith("]"):
                    words.pop(1)
                words.pop(1)
            yield words[1], words[2], words[3:]


def _deb822_sources(path):
    for paragraph in open(path).read().split("\n\n"):
        fields = {}
        for line in paragraph.splitlines():
            if ":" in line and not line.startswith((" ", "#")):
                key, value = line.split(":", 1)
                fields[key.strip().lower()] = value.split()
        if "deb" not in fields.get("types", []) or fields.get("enabled", ["yes"])[0] == "no":
            continue
        for uri in fields.get("uris", []):
            for suite in fields.get("suites", []):
                yield uri, suite, fields.get("components", [])


def debian_archive():
    """The first archive that apt here uses for Debian SUITE's main component: the dom0s come from the same
    place as the machine's own packages."""
    entries = []
    for path in ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*.list")):
        if os.path.isfile(path):
            entries.extend(_one_line_sources(path))
    for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
        entries.extend(_deb822_sources(path))
    for uri, suite, components in entries:
        if suite == SUITE and "main" in components:
            return uri
    raise LabError("apt on this machine has no source for Debian %s main (in /etc/apt/sources.list or "
                   "/etc/apt/sources.list.d/); add one: the dom0 images are built from it" % SUITE)


# --- build ----------------------------------------------------------------------------------------------------

def _chroot(root, *command):
    return run(["chroot", root] + list(command))


def _write(path, text, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as handle:
        handle.write(text)
    os.chmod(path, mode)


def build_rootfs(images):
    """Debootstrap of the dom0 packages into IMAGES/rootfs, reused while the package list is unchanged."""
    rootfs = os.path.join(images, "rootfs")
    key = _digest(SUITE, *PACKAGES)
    key_file = os.path.join(images, "rootfs.key")
    if os.path.isdir(rootfs) and os.path.isfile(key_file) and open(key_file).read() == key:
        return rootfs
    archive = debian_archive()
    partial = rootfs + ".partial"
    for stale in (rootfs, partial):
        shutil.rmtree(stale, ignore_errors=True)
    log("debootstrap of Debian %s with Xen 4.17 into %s (a few minutes)" % (SUITE, rootfs))
    started = time.monotonic()
    result = subprocess.run(["debootstrap", "--variant=minbase", "--include=" + ",".join(PACKAGES), SUITE, partial,
                             archive], capture_output=True, text=True)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise LabError("debootstrap failed (exit %d); its last lines:\n%s" % (result.returncode, tail))
    os.rename(partial, rootfs)
    _write(key_file, key)
    log("rootfs ready in %.0f s" % (time.monotonic() - started))
    return rootfs


def xen_versions(rootfs):
    """Version of every installed package built from the xen source package."""
    out = _chroot(rootfs, "dpkg-query", "-W", "-f", "${Package} ${Version} ${source:Package}\\n").stdout
    return {words[0]: words[1] for words in (line.split() for line in out.splitlines())
            if len(words) == 3 and words[2] == "xen"}


def _only(paths, what):
    if len(paths) != 1:
        raise LabError("expected one %s in the dom0 image, found %d: %s" % (what, len(paths), " ".join(paths)))
    return paths[0]


def configure_rootfs(rootfs):
    """What both dom0s share: a small initramfs for QEMU's virtio disk, sshd for root by key only, networkd,
    xenconsoled, and the counter guest's kernel, initramfs and configuration."""
    _write(os.path.join(rootfs, "etc/fstab"), "/dev/vda / ext4 rw,relatime 0 1\n")
    conf = os.path.join(rootfs, "etc/initramfs-tools/initramfs.conf")
    text = open(conf).read()
    _write(conf, "\n".join("MODULES=list" if line.startswith("MODULES=") else line
                           for line in text.splitlines()) + "\n")
    _write(os.path.join(rootfs, "etc/initramfs-tools/modules"), "\n".join(INITRAMFS_MODULES) + "\n")
    for path in glob.glob(os.path.join(rootfs, "etc/ssh/ssh_host_*")):
        os.remove(path)
    _write(os.path.join(rootfs, "etc/ssh/sshd_config.d/realxen.conf"),
           "HostKey /etc/ssh/ssh_host_ed25519_key\nPermitRootLogin prohibit-password\n"
           "PasswordAuthentication no\nUseDNS no\n")
    wants = os.path.join(rootfs, "etc/systemd/system/multi-user.target.wants")
    os.makedirs(wants, exist_ok=True)
    link = os.path.join(wants, "systemd-networkd.service")
    if not os.path.lexists(link):
        os.symlink("/lib/systemd/system/systemd-networkd.service", link)
    for unit in ("apt-daily.timer", "apt-daily-upgrade.timer", "e2scrub_all.timer", "fstrim.timer"):
        masked = os.path.join(rootfs, "etc/systemd/system", unit)
        if not os.path.lexists(masked):
            os.symlink("/dev/null", masked)

    versions = xen_versions(rootfs)
    if len(set(versions.values())) != 1:
        raise LabError("the dom0 image has Xen packages of different versions (%s); the tools must match the "
                       "hypervisor exactly" % ", ".join("%s %s" % item for item in sorted(versions.items())))
    run(["mount", "-t", "proc", "proc", os.path.join(rootfs, "proc")])
    try:
        _chroot(rootfs, "update-initramfs", "-u", "-k", "all")
    finally:
        run(["umount", os.path.join(rootfs, "proc")])

    files = os.path.join(rootfs, RUN_FILES.lstrip("/"))
    os.makedirs(files, exist_ok=True)
    shutil.copyfile(_only(glob.glob(os.path.join(rootfs, "boot/vmlinuz-*")), "kernel"),
                    os.path.join(files, "vmlinuz"))
    with open(os.path.join(files, "counter.cpio.gz"), "wb") as handle:
        handle.write(counter_initramfs(rootfs))
    shutil.copyfile(os.path.join(HERE, "image", "counter.cfg"), os.path.join(rootfs, "etc/xen/counter.cfg"))
    return versions


def counter_initramfs(rootfs):
    """A gzip'd newc cpio of the dom0 image's static busybox and the counter's /init."""
    staging = os.path.join(rootfs, "tmp/counter-initramfs")
    shutil.rmtree(staging, ignore_errors=True)
    for directory in ("bin", "dev", "proc"):
        os.makedirs(os.path.join(staging, directory))
    shutil.copy2(os.path.join(rootfs, "bin/busybox"), os.path.join(staging, "bin/busybox"))
    shutil.copyfile(os.path.join(HERE, "image", "counter-init"), os.path.join(staging, "init"))
    os.chmod(os.path.join(staging, "init"), 0o755)
    names = subprocess.run(["find", "."], cwd=staging, capture_output=True, text=True, check=True).stdout
    archive = subprocess.run(["cpio", "--quiet", "-o", "-H", "newc", "-R", "0:0"], cwd=staging, input=names.encode(),
                             capture_output=True, check=True).stdout
    shutil.rmtree(staging)
    return gzip.compress(archive)


def _keygen(path, comment):
    if not os.path.exists(path):
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", path])
    return open(path + ".pub").read().strip()


def host_files(rootfs, host, keys):
    """What makes a dom0 itself: its name, the other's address, its NICs, its host key and root's trust."""
    index = HOSTS.index(host) + 1
    _write(os.path.join(rootfs, "etc/hostname"), host["name"] + "\n")
    _write(os.path.join(rootfs, "etc/hosts"), "127.0.0.1 localhost\n" +
           "".join("%s %s\n" % (other["address"], other["name"]) for other in HOSTS))
    _write(os.path.join(rootfs, "etc/systemd/network/10-management.network"),
           "[Match]\nMACAddress=%s\n\n[Network]\nAddress=10.0.2.15/24\nGateway=10.0.2.2\n" % host["mac_user"])
    _write(os.path.join(rootfs, "etc/systemd/network/20-migration.network"),
           "[Match]\nMACAddress=%s\n\n[Network]\nAddress=%s\n" % (host["mac_migration"], MIGRATION_NETWORK % index))
    key = os.path.join(keys, "host-" + host["name"])
    shutil.copyfile(key, os.path.join(rootfs, "etc/ssh/ssh_host_ed25519_key"))
    os.chmod(os.path.join(rootfs, "etc/ssh/ssh_host_ed25519_key"), 0o600)
    shutil.copyfile(key + ".pub", os.path.join(rootfs, "etc/ssh/ssh_host_ed25519_key.pub"))
    ssh = os.path.join(rootfs, "root/.ssh")
    os.makedirs(ssh, mode=0o700, exist_ok=True)
    _write(os.path.join(ssh, "authorized_keys"),
           "".join(open(os.path.join(keys, name + ".pub")).read() for name in ("client", "trust")), 0o600)
    shutil.copyfile(os.path.join(keys, "trust"), os.path.join(ssh, "id_ed25519"))
    os.chmod(os.path.join(ssh, "id_ed25519"), 0o600)
    _write(os.path.join(ssh, "known_hosts"), "".join(
        "%s,%s %s\n" % (other["name"], other["address"], open(os.path.join(keys, "host-" + other["name"] + ".pub"))
                        .read().strip()) for other in HOSTS), 0o600)


def build(images):
    """Builds the images, or keeps those of the same recipe: IMAGES/{xen, vmlinuz, initrd.img, xen-a.img,
    xen-b.img, keys/, build.json}."""
    ensure_packages(REQUIRED)
    os.makedirs(images, exist_ok=True)
    rootfs = build_rootfs(images)
    key = _digest(open(os.path.join(images, "rootfs.key")).read(), *(open(path, "rb").read() for path in _recipe_files()))
    info_file = os.path.join(images, "build.json")
    if os.path.isfile(info_file) and json.load(open(info_file)).get("recipe") == key:
        log("images of this recipe are ready in %s" % images)
        return
    started = time.monotonic()
    if os.path.exists(info_file):
        os.remove(info_file)
    versions = configure_rootfs(rootfs)
    keys = os.path.join(images, "keys")
    os.makedirs(keys, mode=0o700, exist_ok=True)
    _keygen(os.path.join(keys, "client"), "realxen-client")
    _keygen(os.path.join(keys, "trust"), "realxen-dom0-trust")
    host_keys = {host["name"]: _keygen(os.path.join(keys, "host-" + host["name"]), host["name"]) for host in HOSTS}
    with gzip.open(_only(glob.glob(os.path.join(rootfs, "boot/xen-4.17-amd64.gz")), "hypervisor")) as source, \
            open(os.path.join(images, "xen"), "wb") as target:
        shutil.copyfileobj(source, target)
    shutil.copyfile(_only(glob.glob(os.path.join(rootfs, "boot/vmlinuz-*")), "kernel"), os.path.join(images, "vmlinuz"))
    shutil.copyfile(_only(glob.glob(os.path.join(rootfs, "boot/initrd.img-*")), "initramfs"),
                    os.path.join(images, "initrd.img"))
    for host in HOSTS:
        host_files(rootfs, host, keys)
        image = os.path.join(images, host["name"] + ".img")
        if os.path.exists(image):
            os.remove(image)
        run(["mke2fs", "-q", "-F", "-t", "ext4", "-L", "root", "-d", rootfs, image, IMAGE_SIZE])
    xen = sorted(set(versions.values()))[0]
    _write(info_file, json.dumps({"recipe": key, "xen": xen, "host_keys": host_keys}, indent=2) + "\n")
    log("images of Xen %s built in %.0f s" % (xen, time.monotonic() - started))


# --- start, stop, ssh -----------------------------------------------------------------------------------------

def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _ssh(run_dir, alias, command, timeout=None):
    return subprocess.run(["ssh", "-F", os.path.join(run_dir, "ssh_config"), "-o", "BatchMode=yes",
                           "-o", "ConnectTimeout=10", alias, command],
                          capture_output=True, text=True, timeout=timeout)


def _console_tail(run_dir, host, lines=25):
    path = os.path.join(run_dir, host["name"] + ".console")
    if not os.path.exists(path):
        return "(no console output)"
    text = open(path, errors="replace").read().replace("\r", "")
    return "\n".join(text.strip().splitlines()[-lines:])


def _qemu(images, run_dir, host, link):
    overlay = os.path.join(run_dir, host["name"] + ".qcow2")
    run(["qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw", "-b", os.path.join(images, host["name"] + ".img"),
         overlay])
    return ["qemu-system-x86_64", "-nodefaults", "-display", "none", "-no-reboot",
            "-machine", "q35", "-cpu", QEMU_CPU, "-m", str(VM_MEMORY_MB), "-smp", "1",
            "-kernel", os.path.join(images, "xen"), "-append", XEN_COMMAND_LINE,
            "-initrd", "%s %s,%s" % (os.path.join(images, "vmlinuz"), DOM0_COMMAND_LINE,
                                     os.path.join(images, "initrd.img")),
            "-drive", "file=%s,format=qcow2,if=virtio,cache=unsafe" % overlay,
            "-netdev", "user,id=management,hostfwd=tcp:127.0.0.1:%d-:22" % host["ssh_port"],
            "-device", "virtio-net-pci,netdev=management,mac=%s" % host["mac_user"],
            "-netdev", "socket,id=migration,%s" % link,
            "-device", "virtio-net-pci,netdev=migration,mac=%s" % host["mac_migration"],
            "-serial", "file:%s" % os.path.join(run_dir, host["name"] + ".console"),
            "-pidfile", os.path.join(run_dir, host["name"] + ".pid"), "-daemonize"]


def start(images, run_dir):
    info_file = os.path.join(images, "build.json")
    if not os.path.isfile(info_file):
        raise LabError("no dom0 images in %s: run 'realxen.py build --images %s' first" % (images, images))
    info = json.load(open(info_file))
    if os.path.exists(os.path.join(run_dir, "realxen.json")):
        raise LabError("%s holds running dom0s: stop them first ('realxen.py stop --dir %s')" % (run_dir, run_dir))
    os.makedirs(run_dir, exist_ok=True)
    link_port = _free_port()
    hosts = []
    for host in HOSTS:
        hosts.append(dict(host, ssh_port=_free_port(), host_key=info["host_keys"][host["name"]]))
    client_key = os.path.join(run_dir, "id_ed25519")
    shutil.copyfile(os.path.join(images, "keys/client"), client_key)
    os.chmod(client_key, 0o600)
    _write(os.path.join(run_dir, "known_hosts"),
           "".join("[127.0.0.1]:%d %s\n" % (host["ssh_port"], host["host_key"]) for host in hosts))
    _write(os.path.join(run_dir, "ssh_config"), "\n".join(
        "Host %s\n    HostName 127.0.0.1\n    Port %d\n    User root\n    IdentityFile %s\n    IdentitiesOnly yes\n"
        "    UserKnownHostsFile %s\n    StrictHostKeyChecking yes\n"
        % (host["alias"], host["ssh_port"], client_key, os.path.join(run_dir, "known_hosts")) for host in hosts))
    state = {"images": images, "xen": info["xen"], "hosts": hosts,
             "ssh_config": os.path.join(run_dir, "ssh_config"), "started": time.time()}
    _write(os.path.join(run_dir, "realxen.json"), json.dumps(state, indent=2) + "\n")
    started = time.monotonic()
    try:
        links = ["listen=127.0.0.1:%d" % link_port, "connect=127.0.0.1:%d" % link_port]
        for host, link in zip(hosts, links):
            run(_qemu(images, run_dir, host, link))
        log("booting %s (Xen %s under QEMU's emulation; a few minutes)" % (
            " and ".join(host["name"] for host in hosts), info["xen"]))
        for host in hosts:
            _wait_ready(run_dir, host, started)
    except BaseException:
        stop(run_dir)
        raise
    log("both dom0s ready in %.0f s: ssh -F %s rx-a xl list" % (time.monotonic() - started, state["ssh_config"]))


def _wait_ready(run_dir, host, started):
    """SSH answers, the toolstack answers, and the dom0 reaches the other over the migration network with root's
    own trust."""
    other = [peer for peer in HOSTS if peer["name"] != host["name"]][0]
    check = "xl list >/dev/null && ssh -o BatchMode=yes -o ConnectTimeout=10 %s true" % other["name"]
    last = ""
    while time.monotonic() - started < BOOT_TIMEOUT:
        console = _console_tail(run_dir, host, lines=5)
        if "crashed" in console or not os.path.exists(os.path.join(run_dir, host["name"] + ".pid")):
            raise LabError("%s stopped while booting; its console ends:\n%s" % (host["name"], _console_tail(run_dir, host)))
        try:
            result = _ssh(run_dir, host["alias"], check, timeout=60)
            if result.returncode == 0:
                log("%s ready after %.0f s" % (host["name"], time.monotonic() - started))
                return
            last = (result.stderr or result.stdout).strip()
        except subprocess.TimeoutExpired:
            last = "no answer within 60 s"
        time.sleep(5)
    raise LabError("%s was not ready within %d s (last: %s); its console ends:\n%s"
                   % (host["name"], BOOT_TIMEOUT, last, _console_tail(run_dir, host)))


def stop(run_dir):
    for pid_file in glob.glob(os.path.join(run_dir, "*.pid")):
        try:
            pid = int(open(pid_file).read().strip())
            os.kill(pid, signal.SIGTERM)
            for _ in range(50):
                os.kill(pid, 0)
                time.sleep(0.1)
            os.kill(pid, signal.SIGKILL)
        except (ValueError, ProcessLookupError, FileNotFoundError):
            pass
        if os.path.exists(pid_file):
            os.remove(pid_file)
    for path in glob.glob(os.path.join(run_dir, "*.qcow2")) + [os.path.join(run_dir, "realxen.json")]:
        if os.path.exists(path):
            os.remove(path)


def ssh(run_dir, alias, command):
    result = subprocess.run(["ssh", "-F", os.path.join(run_dir, "ssh_config"), "-o", "BatchMode=yes", alias] + command)
    return result.returncode


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build_args = commands.add_parser("build")
    build_args.add_argument("--images", required=True)
    start_args = commands.add_parser("start")
    start_args.add_argument("--images", required=True)
    start_args.add_argument("--dir", required=True)
    stop_args = commands.add_parser("stop")
    stop_args.add_argument("--dir", required=True)
    ssh_args = commands.add_parser("ssh")
    ssh_args.add_argument("--dir", required=True)
    ssh_args.add_argument("host")
    ssh_args.add_argument("remote", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        raise LabError("realxen needs root (debootstrap, chroot, mounts); run it with sudo")
    if args.command == "build":
        build(os.path.abspath(args.images))
    elif args.command == "start":
        start(os.path.abspath(args.images), os.path.abspath(args.dir))
    elif args.command == "stop":
        stop(os.path.abspath(args.dir))
    else:
        remote = args.remote[1:] if args.remote[:1] == ["--"] else args.remote
        return ssh(os.path.abspath(args.dir), args.host, remote)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except LabError as error:
        print("realxen: %s" % error, file=sys.stderr)
        sys.exit(1)
