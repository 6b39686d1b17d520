"""`xl migrate` and `xl migrate-receive` (tools/xl/xl_migrate.c, RELEASE-4.19.0).

The sender runs `sh -c "exec ssh HOST xl migrate-receive"` (xl's rune) and
talks xl's protocol over the child's stdin and stdout: the receiver's banner,
the savefile header with the domain's configuration, the memory image, then
the ready / permission-to-go / report handshake. The memory image is exactly
memory MiB x 1 MiB of pseudo-random bytes derived from the domain's uuid
(image_block), so the receiver's SHA-256 of what it read can be checked.

The receiver's stderr comes back through ssh; the sender relays it and
prints each of its own lines only after the receiver line that precedes it
in xl's transcript, so the interleaving is always the one of the captures.
"""
import hashlib
import json
import os
import signal
import struct
import subprocess
import sys
import threading

from xensim import guestnet, paths, state as hoststate
from xensim.state import version_at_least

MIB = 1 << 20
PAGE = 4096
CHUNK = 64 * 1024
ERROR_FAIL = -3
RELAY_WAIT_SECONDS = 10
IMAGES_DIR = "/var/lib/xen/xenlab/images"

# xl.h: the fixed messages of the migration protocol.
RECEIVER_BANNER = b"xl migration receiver ready, send binary domain data.\n"
RECEIVER_READY = b"domain received, ready to unpause\0"
PERMISSION_TO_GO = b"domain is yours, you are cleared to unpause\0"
REPORT = b"my copy unpause results are as follows\0"

# xl_saverestore.c: savefile header (magic, byte order, mandatory and optional flags, optional data length).
SAVEFILE_MAGIC = b"Xen saved domain, xl format\n \0 \r"
SAVEFILE_BYTEORDER = 0x01020304
HEADER = struct.Struct("=32sIIII")
FLAG_CONFIG_JSON = 0x3

LIBXL_READ_EXACTLY = "libxl: error: libxl_utils.c:470:libxl_read_exactly: file/stream truncated reading %s from %s\n"
# What xl 4.17 prints when the save helper's stream breaks (xl-migrate-error.xen-4.17.5-pv-receiver-killed.txt).
HELPER_TRUNCATED = ("libxl: error: libxl_utils.c:505:libxl_read_exactly: file/stream truncated reading ipc msg header "
                    "from domain %d save/restore helper stdout pipe")
HELPER_SIGPIPE = ("libxl: error: libxl_exec.c:127:libxl_report_child_exitstatus: domain %d save/restore helper [%d] "
                  "died due to fatal signal Broken pipe")
NOT_SUSPENDED = ("xc: error: Dom %d not suspended: (shutdown 0, reason 255): Internal error",
                 "libxl: error: libxl_dom_suspend.c:666:domain_resume_done: Domain %d:xc_domain_resume failed: Invalid argument")
# What the receiver prints when the stream ends before the image (xl-migrate-error.xen-4.17-pv-logdirty-suspend-failed.txt).
RESTORE_TRUNCATED = ("xc: error: Failed to read Record Header from stream (0 = Success): Internal error",
                     "xc: error: Restore failed (0 = Success): Internal error",
                     "libxl: error: libxl_stream_read.c:850:libxl__xc_domain_restore_done: restoring domain: Success",
                     "libxl: error: libxl_create.c:1640:domcreate_rebuild_done: Domain %d:cannot (re-)build domain: -3")
# libxl__domain_rename (libxl_domain.c) when the incoming name is taken, then initiate_domain_create.
NAME_TAKEN = ("libxl: error: libxl_domain.c:389:libxl__domain_rename: Domain %d:Domain with name \"%s\" already exists.",
              "libxl: error: libxl_create.c:1241:initiate_domain_create: Domain %d:cannot make domain: -6")
SUSPEND_FRACTION = 4
CHILD_EXIT = "libxl: info: libxl_exec.c:117:libxl_report_child_exitstatus: migration transport process [%d] %s\n"

TARGET_READY = "migration target: Ready to receive domain."
TARGET_PARSING = "Parsing config from <saved>"
TARGET_CONFIG_OLD = " Savefile contains xl domain config"
TARGET_COMPLETE = "migration target: Transfer complete, requesting permission to start domain."
TARGET_GOT_PERMISSION = "migration target: Got permission, starting domain."
TARGET_STARTED = "migration target: Domain started successsfully."


class Broken(Exception):
    """The peer went away: EOF on a read, EPIPE on a write."""


def image_block(uuid, index):
    """MiB number index of the memory image of the domain with this uuid."""
    return hashlib.shake_256(("%s/%d" % (uuid, index)).encode()).digest(MIB)


def image_sha256(uuid, memory_mb):
    """SHA-256 (hex) of a domain's whole memory image, as the receiver records it."""
    digest = hashlib.sha256()
    for index in range(memory_mb):
        digest.update(image_block(uuid, index))
    return digest.hexdigest()


def _say(text):
    """A line on stderr. A reader that is gone (the sender died, and the ssh that relayed this receiver's lines with
    it) does not stop xl: libxl's logger ignores the failed write and the receiver still cleans up."""
    try:
        sys.stderr.write(text + "\n")
        sys.stderr.flush()
    except BrokenPipeError:
        pass


def _json_stream(state):
    """Streams from Xen 4.5 on carry the config as JSON; libxc's v2 stream (4.6) logs at info level."""
    return version_at_least(state, 4, 5)


def _read_exactly(stream, size):
    data = stream.read(size)
    if data is None or len(data) < size:
        raise Broken()
    return data


def _write(stream, data):
    try:
        stream.write(data)
        stream.flush()
    except (BrokenPipeError, ConnectionResetError) as e:
        raise Broken() from e


class _Relay:
    """Copies the transport child's stderr to ours and remembers which lines went by."""

    def __init__(self, stream):
        self._stream = stream
        self._seen = []
        self._done = False
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        for raw in iter(self._stream.readline, b""):
            sys.stderr.buffer.write(raw)
            sys.stderr.buffer.flush()
            with self._changed:
                self._seen.append(raw.decode(errors="replace").rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._done = True
            self._changed.notify_all()

    def wait_for(self, line):
        """Until the receiver has printed line, or its stderr has ended."""
        with self._changed:
            self._changed.wait_for(lambda: line in self._seen or self._done, RELAY_WAIT_SECONDS)

    def finish(self):
        self._thread.join(RELAY_WAIT_SECONDS)


def rune(ssh_command, host, verbosity, tty, receive_options):
    """The shell command xl runs to reach the receiver (main_migrate); receive_options: '-e', '-d', '-p'."""
    if not ssh_command:
        return host
    return "exec %s %s xl%s%s migrate-receive%s" % (
        ssh_command, host, " -t" if tty else "", " -" + "v" * verbosity if verbosity else "",
        "".join(" " + option for option in ("-e", "-d", "-p") if option in receive_options))


def _child_report(child):
    """migration_child_report: wait up to 2 s for the transport and say how it ended when it failed."""
    try:
        status = child.wait(2)
    except subprocess.TimeoutExpired:
        _say("migration child [%d] not exiting, no longer waiting (exit status will be unreported)" % child.pid)
        return
    if status > 0:
        sys.stderr.write(CHILD_EXIT % (child.pid, "exited with error status %d" % status))
    elif status < 0:
        sys.stderr.write(CHILD_EXIT % (child.pid, "died due to fatal signal %s" % _signal_name(-status)))


def _signal_name(number):
    return signal.Signals(number).name.replace("SIG", "").capitalize()


def _rename(old, new, **changes):
    with hoststate.updating() as state:
        dom = hoststate.find_domain(state, old)
        dom["name"] = new
        dom.update(changes)


def _suspend(name):
    """The guest's last iteration: shut down for suspend (xl list: ---ss-)."""
    with hoststate.updating() as state:
        dom = hoststate.find_domain(state, name)
        dom["state"] = "---s--"
        dom["shutdown_reason"] = "suspend"


def resume(name, flags):
    """libxl_domain_resume: the guest runs again with the given flags (xl migrate's own resume; xl resume)."""
    with hoststate.updating() as state:
        dom = hoststate.find_domain(state, name)
        dom["state"] = flags
        dom.pop("shutdown_reason", None)


def destroy(name):
    """Remove a domain and give its memory back (xl destroy; the sender's copy; a failed receiver's own copy)."""
    with hoststate.updating() as state:
        dom = hoststate.find_domain(state, name)
        state["domains"].remove(dom)
        if state["free_memory_mb"] is not None:
            state["free_memory_mb"] += dom["memory"]


def migrate(state, dom, command_rune):
    """xl migrate on the sender; returns the exit code."""
    child = subprocess.Popen(["sh", "-c", command_rune], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    relay = _Relay(child.stderr)
    send, receive = child.stdin, child.stdout
    try:
        banner = _read_exactly(receive, len(RECEIVER_BANNER))
    except Broken:
        relay.finish()
        sys.stderr.write(LIBXL_READ_EXACTLY % ("banner", "migration receiver stream"))
        _close(send)
        _child_report(child)
        return 1
    if banner != RECEIVER_BANNER:
        relay.finish()
        _say("migration receiver stream contained unexpected data instead of banner")
        _say("(command run was: %s )" % command_rune)
        _close(send)
        _child_report(child)
        return 1
    relay.wait_for(TARGET_READY)
    config = json.dumps(dom).encode()
    flags = FLAG_CONFIG_JSON if _json_stream(state) else 0
    optional = struct.pack("=I", len(config)) + config
    _say("Saving to migration stream new xl format (info 0x%x/0x0/%d)" % (flags, len(optional)))
    suspended = False
    live_mb = dom["memory"] - max(1, dom["memory"] // SUSPEND_FRACTION)
    try:
        _write(send, HEADER.pack(SAVEFILE_MAGIC, SAVEFILE_BYTEORDER, flags, 0, len(optional)) + optional)
        relay.wait_for(TARGET_PARSING if _json_stream(state) else TARGET_CONFIG_OLD)
        if _json_stream(state):
            _say("xc: info: Saving domain %d, type x86 %s" % (dom["domid"], dom["type"].upper()))
        for index in range(dom["memory"]):
            if index == live_mb:
                _suspend(dom["name"])
                guestnet.pause(dom)
                suspended = True
            _write(send, image_block(dom["uuid"], index))
    except Broken:
        relay.finish()
        if _json_stream(state):
            _say(HELPER_TRUNCATED % dom["domid"])
            _say(HELPER_SIGPIPE % (dom["domid"], os.getpid() + 1))
        _say("migration sender: libxl_domain_suspend failed (rc=%d)" % ERROR_FAIL)
        return _failed_resume(state, child, send, dom, suspended)
    try:
        if _read_exactly(receive, len(RECEIVER_READY)) != RECEIVER_READY:
            raise Broken()
    except Broken:
        relay.finish()
        sys.stderr.write(LIBXL_READ_EXACTLY % ("ready message", "migration receiver stream"))
        return _failed_resume(state, child, send, dom, suspended)
    relay.wait_for(TARGET_COMPLETE)
    _say("migration sender: Target has acknowledged transfer.")
    away = dom["name"] + "--migratedaway"
    _rename(dom["name"], away)
    _say("migration sender: Giving target permission to start.")
    try:
        _write(send, PERMISSION_TO_GO)
        if _read_exactly(receive, len(REPORT)) != REPORT:
            raise Broken()
        status = _read_exactly(receive, 1)[0]
    except Broken:
        return _failed_badly(child, send, relay)
    if status:
        relay.finish()
        _say("migration sender: Target reports startup failure (status code %d)." % status)
        _say("migration sender: Trying to resume at our end.")
        _rename(away, dom["name"])
        resume(dom["name"], dom["state"])
        guestnet.resume(dom)
        _say("migration sender: Resumed OK.")
        _say("Migration failed due to problems at target.")
        return 1
    relay.wait_for(TARGET_STARTED)
    _say("migration sender: Target reports successful startup.")
    destroy(away)
    guestnet.detach(dom)
    _close(send)
    relay.finish()
    child.wait()
    _say("Migration successful.")
    return 0


def _close(stream):
    try:
        stream.close()
    except BrokenPipeError:
        pass


def _failed_resume(state, child, send, dom, suspended):
    """xl's "resuming at sender": a suspended guest runs again; one not suspended yet makes libxc complain, and runs on."""
    _close(send)
    _child_report(child)
    _say("Migration failed, resuming at sender.")
    if suspended:
        resume(dom["name"], dom["state"])
        guestnet.resume(dom)
    elif _json_stream(state):
        for line in NOT_SUSPENDED:
            _say(line % dom["domid"])
    return 1


def _failed_badly(child, send, relay):
    relay.finish()
    sys.stderr.write(
        "** Migration failed during final handshake **\n"
        "Domain state is now undefined !\n"
        "Please CHECK AT BOTH ENDS for running instances, before renaming and\n"
        " resuming at most one instance.  Two simultaneous instances of the domain\n"
        " would probably result in SEVERE DATA LOSS and it is now your\n"
        " responsibility to avoid that.  Sorry.\n")
    _close(send)
    _child_report(child)
    return 1


def _disk_paths(dom):
    for disk in dom.get("disks", []):
        kind, _, target = disk["uname"].partition(":")
        if kind.startswith("tap"):
            target = target.partition(":")[2]
        if target:
            yield disk["dev"].partition(":")[0], target


def need_memory_mb(dom):
    """libxl_domain_need_memory as xl's freemem() asks it of the hypervisor (libxl_mem.c
    libxl__domain_need_memory_calculate): the memory, the paging memory of libxl_create.c
    libxl__get_required_paging_memory (4 KiB per MiB of maxmem and 1 MiB per vCPU, on x86), and 1 MiB for a PV
    guest or 2 MiB for HVM, the whole rounded up to 2 MiB. The lab's hosts set dom0_mem=, so autoballoon
    "auto" is off and nothing is ballooned."""
    maxmem = max(dom.get("maxmem") or dom["memory"], dom["memory"])
    need_kb = dom["memory"] * 1024 + 4 * (256 * dom.get("vcpus", 1) + maxmem) + (1024 if dom.get("type", "pv") == "pv" else 2048)
    return (need_kb + 2047) // 2048 * 2


def create(dom, name, flags, online_vcpus):
    """create_domain: xl's memory check, libxl's name and disk checks, then the domain `name` in state `flags`.
    Returns its domid, or prints what xl and libxl print and returns None."""
    with hoststate.updating() as state:
        if hoststate.free_memory_mb(state) < need_memory_mb(dom):
            _say("failed to free memory for the domain")
            return None
        if hoststate.find_domain(state, name) is not None:
            domid = max(d["domid"] for d in state["domains"]) + 1
            _say(NAME_TAKEN[0] % (domid, name))
            _say(NAME_TAKEN[1] % domid)
            return None
        for vdev, target in _disk_paths(dom):
            if not os.path.exists(paths.path(target)):
                _say("libxl: error: libxl_device.c:355:libxl__device_disk_set_backend: Disk vdev=%s failed to "
                     "stat: %s: No such file or directory" % (vdev, target))
                _say("libxl: error: libxl_create.c:1329:initiate_domain_create: Unable to set disk defaults "
                     "for disk 0")
                return None
        domid = max(d["domid"] for d in state["domains"]) + 1
        state["domains"].append(dict(dom, name=name, domid=domid, state=flags, cpu_time=0.0, online_vcpus=online_vcpus))
        if state["free_memory_mb"] is not None:
            state["free_memory_mb"] -= dom["memory"]
        return domid


def receive(state):
    """xl migrate-receive on the destination: protocol on stdin/stdout; returns the exit code."""
    send, receive_stream = sys.stdout.buffer, sys.stdin.buffer
    _say(TARGET_READY)
    try:
        _write(send, RECEIVER_BANNER)
        magic, _, flags, _, optional_len = HEADER.unpack(_read_exactly(receive_stream, HEADER.size))
        if magic != SAVEFILE_MAGIC:
            _say("File has wrong magic number - corrupt or for a different tool?")
            return 1
        _say("Loading new save file <incoming migration stream> (new xl fmt info 0x%x/0x0/%d)" % (flags, optional_len))
        optional = _read_exactly(receive_stream, optional_len)
    except Broken:
        return 1
    dom = json.loads(optional[4:])
    if _json_stream(state):
        _say(" Savefile contains xl domain config in JSON format")
        _say(TARGET_PARSING)
    else:
        _say(TARGET_CONFIG_OLD)
    domid = create(dom, dom["name"] + "--incoming", "--p---", 0)
    if domid is None:
        _say("migration target: Domain creation failed (code %d)." % ERROR_FAIL)
        return 1
    incoming = dom["name"] + "--incoming"
    try:
        digest = _read_image(state, dom, receive_stream, domid)
        _say(TARGET_COMPLETE)
        _write(send, RECEIVER_READY)
        if _read_exactly(receive_stream, len(PERMISSION_TO_GO)) != PERMISSION_TO_GO:
            raise Broken()
    except Broken:
        destroy(incoming)
        return 1
    _say(TARGET_GOT_PERMISSION)
    _rename(incoming, dom["name"], state="-b----", online_vcpus=dom["online_vcpus"])
    guestnet.attach(dom)
    _record_checksum(dom["name"], digest)
    _say(TARGET_STARTED)
    try:
        _write(send, REPORT + bytes([0]))
    except Broken:
        return 1
    return 0


def _read_image(state, dom, stream, domid):
    """Reads the memory image with libxc's progress lines (one each 5%); returns its SHA-256. A stream that
    ends early fails as libxc's restore does."""
    size = dom["memory"] * MIB
    pages = size // PAGE
    digest = hashlib.sha256()
    done = reported = 0
    while done < size:
        try:
            digest.update(_read_exactly(stream, CHUNK))
        except Broken:
            if _json_stream(state):
                for line in RESTORE_TRUNCATED:
                    _say(line % domid if "%d" in line else line)
                _say("migration target: Domain creation failed (code %d)." % ERROR_FAIL)
            raise
        if not done and _json_stream(state):
            _say("xc: info: Found x86 %s domain from Xen %d.%d" % (dom["type"].upper(), state["xen"]["major"],
                                                                  state["xen"]["minor"]))
            _say("xc: info: Restoring domain")
        done += CHUNK
        percent = done * 100 // size
        if percent // 5 > reported // 5:
            reported = percent
            _say("xc: progress: Reloading memory pages: %d/%d  %3d%%" % (done // PAGE, pages, percent))
    if _json_stream(state):
        _say("xc: info: Restore successful")
        _say("xc: info: XenStore: mfn %#x, dom 0, evt 1" % dom.get("store_mfn", 0))
        _say("xc: info: Console: mfn %#x, dom 0, evt 2" % dom.get("console_mfn", 0))
    return digest.hexdigest()


def _record_checksum(name, digest):
    directory = paths.path(IMAGES_DIR)
    os.makedirs(directory, exist_ok=True)
    # A guest name may hold "/" (xl allows any name, xend allows "/"): it stays inside the folder as %2F.
    with open(os.path.join(directory, name.replace("/", "%2F") + ".sha256"), "w", encoding="ascii") as f:
        f.write(digest + "\n")
