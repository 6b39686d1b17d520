"""`xm migrate` and the receiving side of xend's relocation server.

The stream follows xend's (XendDomain.domain_migrate, XendCheckpoint.save
and restore) over a real TCP connection:

    source -> destination  "(receive)\\n", "LinuxGuestRecord", !i length + the
                           domain's config as SXP, !i length + the lab's record
                           of the domain (JSON, so the destination holds the
                           same domain), !Q image size = memory MiB x 1 MiB
    destination -> source  "ready\\n" or "err MESSAGE\\n" (the checks xend's
                           restore makes: name, free memory, disks)
    source -> destination  the memory image in chunks: deterministic bytes
                           derived from the domain's uuid (image_chunks)
    destination -> source  "ok\\n" or "err MESSAGE\\n"

While the image travels, both hosts list the guest as migrating-NAME (as
XendCheckpoint.save renames the source; on the destination paused, with no
vCPU online yet), and the destination reads the image in a process of its
own, `xc_restore FD DOMID SIZE` (as xend's restore runs xc_restore), which
outlives a killed xend as the real one does; at the end the destination runs it
as NAME and the source has removed it. Each side writes the SHA-256 of the
image it sent or received to /var/lib/xen/xenlab/images/NAME.sha256. On any
failure the source resumes the domain under its name, logs xend's "Save
failed" line (also when xm gets SIGTERM or SIGHUP), and the destination removes its copy and logs the error as
XendCheckpoint.restore does. A peer that closes
without answering (hosts-allow rejected it) fails as xc_save does.
"""
import hashlib
import json
import os
import signal
import socket
import struct
import subprocess
import sys

from xensim import paths, sxp, state as hoststate, xendconfig, xendlog

SIGNATURE = b"LinuxGuestRecord"
RECEIVE = b"(receive)\n"
MIGRATING = "migrating-"
MIB = 1024 * 1024
CHUNK = MIB
IMAGES_DIR = "/var/lib/xen/xenlab/images"
XC_SAVE = "/usr/lib/xen/bin/xc_save"
XC_RESTORE = "/usr/lib/xen/bin/xc_restore"
RECEIVING_STATE = "--p---"
# balloon.free's three refusals (xend 4.x, without the memory pool of `total_available_memory`).
NO_BALLOONING = ("Not enough free memory and enable-dom0-ballooning is False, so I cannot release any more.  "
                 "I need %d KiB but only have %d.")
BELOW_MIN_MEM = "I need %d KiB, but dom0_min_mem is %d and shrinking to %d KiB would leave only %d KiB free."
CANNOT_SHRINK = "Not enough memory is available, and dom0 cannot be shrunk any further"
BLOCK_DEVICE_MAJORS = {"hd": (3, 22, 33, 34), "sd": (8,), "xvd": (202,)}

SAVE_FAILED = ("ERROR", "XendCheckpoint:177")
RESTORE_FAILED = ("ERROR", "XendCheckpoint:342")


class MigrationError(Exception):
    """A failure xend reports to `xm migrate`; the message is xend's."""


def image_chunks(uuid, memory_mb):
    """The guest's memory image: memory_mb MiB of SHAKE-256 output seeded by its uuid, one MiB per chunk."""
    for index in range(memory_mb):
        yield hashlib.shake_256(("%s/%d" % (uuid, index)).encode()).digest(CHUNK)


def write_checksum(name, digest):
    directory = paths.path(IMAGES_DIR)
    os.makedirs(directory, exist_ok=True)
    # A guest name may hold "/" (xl allows any name, xend allows "/"): it stays inside the folder as %2F.
    with open(os.path.join(directory, name.replace("/", "%2F") + ".sha256"), "w") as f:
        f.write(digest + "\n")


def _socket_error(error):
    return "(%d, '%s')" % (error.errno, error.strerror)


def _read_exact(connection, size):
    data = bytearray()
    while len(data) < size:
        chunk = connection.recv(min(size - len(data), CHUNK))
        if not chunk:
            raise EOFError("the peer closed the connection")
        data += chunk
    return bytes(data)


def _read_line(connection):
    line = bytearray()
    while not line.endswith(b"\n"):
        byte = connection.recv(1)
        if not byte:
            raise EOFError("the peer closed the connection")
        line += byte
    return line.decode().rstrip("\n")


def _rename(name, new_name):
    with hoststate.updating() as host:
        hoststate.find_domain(host, name)["name"] = new_name


def _remove(name):
    with hoststate.updating() as state:
        gone = [d for d in state["domains"] if d["name"] == name]
        state["domains"] = [d for d in state["domains"] if d["name"] != name]
        if gone and state["free_memory_mb"] is not None:
            state["free_memory_mb"] += gone[0]["memory"]


# The source: xm migrate.

def _interrupted(signum, frame):
    raise MigrationError("interrupted by %s" % signal.Signals(signum).name)


def migrate(dom, config, host, port, live):
    """Send the running domain `dom` (this host's record, `config` its SXP) to host:port; raises MigrationError."""
    try:
        connection = socket.create_connection((host, port))
    except OSError as e:
        raise MigrationError("can't connect: " + _socket_error(e))
    for signum in (signal.SIGHUP, signal.SIGTERM):
        signal.signal(signum, _interrupted)
    name = dom["name"]
    flags = int(live) | (int(dom["type"] == "hvm") << 2)
    xc_save = "%s %d %d 0 0 %d" % (XC_SAVE, connection.fileno(), dom["domid"], flags)
    _rename(name, MIGRATING + name)
    try:
        with connection:
            digest = _send(connection, dom, config, xc_save)
    except BaseException:
        xendlog.log(SAVE_FAILED, "Save failed on domain %s (%s) - resuming." % (name, dom["domid"]))
        _rename(MIGRATING + name, name)
        raise
    _remove(MIGRATING + name)
    write_checksum(name, digest)


def _answer(connection, failure):
    """The destination's answer; an EOF or reset instead (the peer dropped us) fails as xc_save does."""
    try:
        answer = _read_line(connection)
    except (EOFError, OSError):
        raise MigrationError(failure)
    if answer.startswith("err "):
        raise MigrationError(answer[4:])


def _send(connection, dom, config, xc_save):
    config = sxp.show(config).encode()
    record = json.dumps(dom).encode()
    header = (RECEIVE + SIGNATURE + struct.pack("!i", len(config)) + config
              + struct.pack("!i", len(record)) + record + struct.pack("!Q", dom["memory"] * MIB))
    digest = hashlib.sha256()
    try:
        connection.sendall(header)
        _answer(connection, "%s failed" % xc_save)
        for chunk in image_chunks(dom["uuid"], dom["memory"]):
            connection.sendall(chunk)
            digest.update(chunk)
        connection.shutdown(socket.SHUT_WR)
    except OSError:
        raise MigrationError("%s failed" % xc_save)
    _answer(connection, "%s failed" % xc_save)
    return digest.hexdigest()


# The destination: xend's relocation server, for one admitted connection.

def _disk_path(uname):
    kind, _, path = uname.partition(":")
    return path.split(":", 1)[1] if kind.startswith("tap") else path


def _device_number(dev):
    """The virtual device number xend gives a disk's device name (hda 768, xvda 51712, sdb 2064)."""
    name = dev.split(":")[0]
    for prefix, majors in BLOCK_DEVICE_MAJORS.items():
        if name.startswith(prefix) and len(name) == len(prefix) + 1:
            index = ord(name[-1]) - ord("a")
            if prefix == "hd":
                return (majors[index // 2] << 8) + 64 * (index % 2)
            return (majors[0] << 8) + 16 * index
    return name


def _check(state, dom):
    """The checks XendCheckpoint.restore makes before it takes the memory image; returns xend's error or None."""
    other = hoststate.find_domain(state, dom["name"]) or hoststate.find_domain(state, MIGRATING + dom["name"])
    if other is not None:
        return "Domain '%s' already exists with ID '%d'" % (other["name"], other["domid"])
    problem = balloon_free(state, dom["memory"] * 1024)
    if problem is not None:
        return problem
    for disk in dom["disks"]:
        path = _disk_path(disk["uname"])
        if path and not os.path.exists(path):
            return ("Device %s (%s) could not be connected. %s does not exist."
                    % (_device_number(disk["dev"]), "tap" if disk["uname"].startswith("tap") else "vbd", path))
    return None


def balloon_free(state, need):
    """xend's balloon.free(need KiB) as XendCheckpoint.restore calls it for a PV guest (memory_dynamic_max, no
    shadow): enough free memory passes; else, with enable-dom0-ballooning, Domain-0 is shrunk by what is
    missing (setMemoryTarget, in whole MiB rounded down) when that leaves it at dom0-min-mem or above. A need
    of at least total_memory minus dom0-min-mem (minus Domain-0's size without ballooning) is refused before
    trying. Returns xend's error, or None once the memory is free. The lab has no memory to scrub."""
    options = xendconfig.load(paths.path(paths.XEND_CONFIG))
    dom0_min_mem = options.integer("dom0-min-mem", 0) * 1024
    dom0_ballooning = options.boolean("enable-dom0-ballooning", dom0_min_mem != 0)
    dom0 = hoststate.find_domain(state, hoststate.DOM0)
    dom0_alloc = dom0["memory"] * 1024
    total = state["total_memory_mb"] * 1024
    free = hoststate.free_memory_mb(state) * 1024
    max_free = total - (dom0_min_mem if dom0_ballooning else dom0_alloc)
    new_alloc = 0
    if need < max_free:
        if free >= need:
            return None
        if dom0_ballooning:
            new_alloc = dom0_alloc - (need - free)
            if new_alloc >= dom0_min_mem:
                shrink = dom0["memory"] - new_alloc // 1024
                dom0["memory"] -= shrink
                if state["free_memory_mb"] is not None:
                    state["free_memory_mb"] += shrink
                return None
    if not dom0_ballooning:
        return NO_BALLOONING % (need, free)
    if new_alloc < dom0_min_mem:
        return BELOW_MIN_MEM % (need, dom0_min_mem, dom0_min_mem, free + dom0_alloc - dom0_min_mem)
    return CANNOT_SHRINK


def _reserve(dom):
    """Add the guest as migrating-NAME with a new domid: (domid, None), or (None, why it cannot come)."""
    with hoststate.updating() as state:
        problem = _check(state, dom)
        if problem is not None:
            return None, problem
        domid = max(d["domid"] for d in state["domains"]) + 1
        state["domains"].append(dict(dom, name=MIGRATING + dom["name"], state=RECEIVING_STATE, domid=domid, online_vcpus=0))
        if state["free_memory_mb"] is not None:
            state["free_memory_mb"] -= dom["memory"]
    return domid, None


def _finish(dom):
    with hoststate.updating() as state:
        received = hoststate.find_domain(state, MIGRATING + dom["name"])
        received["name"] = dom["name"]
        received["state"] = dom["state"]
        received["online_vcpus"] = dom["online_vcpus"]


def receive(connection):
    """Take one migrating guest from an admitted peer (xend's relocation receive)."""
    try:
        if _read_exact(connection, len(RECEIVE)) != RECEIVE or _read_exact(connection, len(SIGNATURE)) != SIGNATURE:
            return
        config_length, = struct.unpack("!i", _read_exact(connection, 4))
        _read_exact(connection, config_length)
        record_length, = struct.unpack("!i", _read_exact(connection, 4))
        dom = json.loads(_read_exact(connection, record_length))
        size, = struct.unpack("!Q", _read_exact(connection, 8))
    except (EOFError, OSError, ValueError):
        return
    domid, problem = _reserve(dom)
    if problem is not None:
        xendlog.log(RESTORE_FAILED, problem)
        connection.sendall(("err %s\n" % problem).encode())
        return
    try:
        connection.sendall(b"ready\n")
        digest = _restore(connection, domid, size)
        _finish(dom)
        write_checksum(dom["name"], digest)
        connection.sendall(b"ok\n")
    except (EOFError, OSError):
        xendlog.log(RESTORE_FAILED, "%s %d %d failed" % (XC_RESTORE, connection.fileno(), domid))
        _remove(MIGRATING + dom["name"])


def _restore(connection, domid, size):
    """Runs `xc_restore FD DOMID SIZE` on the connection and returns the SHA-256 it read; EOFError when it failed."""
    package = os.path.dirname(os.path.abspath(__file__))
    fd = connection.fileno()
    helper = subprocess.Popen([sys.executable, "-S", package, "xc_restore", str(fd), str(domid), str(size)],
                              pass_fds=(fd,), stdout=subprocess.PIPE)
    digest = helper.stdout.read().decode().strip()
    if helper.wait() != 0 or not digest:
        raise EOFError("xc_restore failed")
    return digest


def xc_restore(args):
    """The restore helper: reads SIZE bytes of memory image from FD and prints their SHA-256; exit 1 when the stream ends early."""
    fd, _, size = (int(a) for a in args)
    connection = socket.socket(fileno=fd)
    digest = hashlib.sha256()
    remaining = size
    while remaining:
        chunk = connection.recv(min(remaining, CHUNK))
        if not chunk:
            return 1
        digest.update(chunk)
        remaining -= len(chunk)
    sys.stdout.write(digest.hexdigest() + "\n")
    return 0
