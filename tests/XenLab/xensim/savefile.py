"""`xl save`/`xl restore` and `xm save`/`xm restore`: a guest's state written to a file and read back.

xl (tools/xl/xl_saverestore.c save_domain, xl_vmcontrol.c create_domain, RELEASE-4.17.5): the file starts with
xl's savefile header (savefileheader_magic "Xen saved domain, xl format\\n \\0 \\r", the byte order 0x01020304, the
mandatory and optional flags and the length of the optional data), then the optional data, a u32 length and the
domain's configuration (JSON, with its trailing NUL, as libxl_domain_config_to_json gives it: here the lab's record of
the domain, so that the restoring host holds the same domain), then the memory image.

xm (XendDomain.domain_save and domain_restore, XendCheckpoint.save and restore, RELEASE-4.0.1): the file starts with
XendCheckpoint's SIGNATURE "LinuxGuestRecord", then !i the length of the domain's SXP and the SXP (as
XendDomainInfo.sxpr gives it), then (the lab's own addition, as in its migration stream) !i the length of the lab's
record of the domain and the record, then the memory image.

The memory image is memory MiB x 1 MiB, left sparse: the file has the guest's size, as a real state file does, without
the time of writing it. A restore checks that the file holds the whole image; a file cut short fails as the toolstack's
restore of a truncated image does.
"""
import json
import os
import struct
import sys

from xensim import guestnet, paths, state as hoststate, sxp, xendlog, xlmigrate, xmmigrate
from xensim.state import version_at_least

MIB = 1 << 20

# xl.h: the savefile header (xlmigrate.py sends the same one down a migration stream).
XL_MAGIC = xlmigrate.SAVEFILE_MAGIC
XL_BYTEORDER = xlmigrate.SAVEFILE_BYTEORDER
XL_HEADER = xlmigrate.HEADER
XL_FLAGS_ALL = 0x3
XL_READ_EXACTLY = "libxl: error: libxl_utils.c:505:libxl_read_exactly: file/stream truncated reading %s from %s"
# CHK_ERRNOVAL (xl_utils.h) around the header's libxl_read_exactly in create_domain: strerror(EPROTO) and the call.
XL_HEADER_FATAL = ('xl: fatal error: xl_vmcontrol.c:715: Protocol error: libxl_read_exactly( ctx, restore_fd, &hdr, '
                   'sizeof(hdr), restore_source, "header")')
XL_OPTDATA_FATAL = ('xl: fatal error: xl_vmcontrol.c:742: Protocol error: libxl_read_exactly( ctx, restore_fd, '
                    'optdata_begin, hdr.optional_data_len, restore_source, "optdata")')

# XendCheckpoint.py.
XM_SIGNATURE = xmmigrate.SIGNATURE
XM_SAVE_FAILED = ("ERROR", "XendCheckpoint:177")
XM_RESTORE_EXCEPTION = ("ERROR", "XendCheckpoint:357")
XM_RESTORE_FAILED = ("ERROR", "XendDomain:1175")
XM_READ_EXACT = ("ERROR", "XendCheckpoint:52")
XC_RESTORE = xmmigrate.XC_RESTORE
XM_MIGRATING = xmmigrate.MIGRATING


class XendFault(Exception):
    """An error xend returns to xm over XML-RPC (XendError, VmError): xm prints it with the command's usage."""


def _say(text):
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def _image_bytes(dom):
    return dom["memory"] * MIB


def _write_image(handle, dom):
    """The memory image after what was written so far: sparse, memory MiB long."""
    handle.flush()
    os.ftruncate(handle.fileno(), handle.tell() + _image_bytes(dom))


def _image_complete(handle, dom):
    """Whether the rest of the file, from where the header ended, holds the whole memory image."""
    return os.fstat(handle.fileno()).st_size - handle.tell() >= _image_bytes(dom)


def _suspend(name):
    """The guest's last moments on the host it is saved on: shut down for suspend (xl: ---ss-)."""
    with hoststate.updating() as state:
        dom = hoststate.find_domain(state, name)
        dom["state"] = "---s--"
        dom["shutdown_reason"] = "suspend"


# xl save / xl restore.

def xl_save(state, dom, filename, checkpoint, leave_paused):
    """save_domain: the header with the domain's configuration, the memory image, then (without -c or -p) the domain
    destroyed; with -c it runs on, with -p it is left paused. Returns the exit code."""
    try:
        fd = os.open(paths.path(filename), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    except OSError:
        _say("Failed to open temp file %s for writing" % filename)
        return 1
    config = json.dumps(dom).encode() + b"\0"
    flags = XL_FLAGS_ALL if version_at_least(state, 4, 5) else 0
    optional = struct.pack("=I", len(config)) + config
    with os.fdopen(fd, "wb") as handle:
        handle.write(XL_HEADER.pack(XL_MAGIC, XL_BYTEORDER, flags, 0, len(optional)) + optional)
        _say("Saving to %s new xl format (info 0x%x/0x0/%d)" % (filename, flags, len(optional)))
        if version_at_least(state, 4, 5):
            _say("xc: info: Saving domain %d, type x86 %s" % (dom["domid"], dom["type"].upper()))
        _suspend(dom["name"])
        guestnet.pause(dom)
        _write_image(handle, dom)
    if checkpoint or leave_paused:
        xlmigrate.resume(dom["name"], "--p---" if leave_paused else dom["state"])
        if not leave_paused:
            guestnet.resume(dom)
    else:
        xlmigrate.destroy(dom["name"])
        guestnet.detach(dom)
    return 0


def xl_restore(state, filename, paused):
    """create_domain restoring from filename: the header, the configuration, xl's memory check and libxl's name and
    disk checks (xlmigrate.create), then the memory image; the domain runs (paused with -p). Returns the exit code."""
    try:
        handle = open(paths.path(filename), "rb")
    except OSError as e:
        _say("Can't open restore file: %s" % os.strerror(e.errno))
        return 1
    with handle:
        header = handle.read(XL_HEADER.size)
        if len(header) < XL_HEADER.size:
            _say(XL_READ_EXACTLY % ("header", filename))
            _say(XL_HEADER_FATAL)
            return 1
        magic, byteorder, mandatory, optional_flags, optional_len = XL_HEADER.unpack(header)
        if magic != XL_MAGIC:
            _say("File has wrong magic number - corrupt or for a different tool?")
            return 1
        if byteorder != XL_BYTEORDER:
            _say("File has wrong byte order")
            return 1
        _say("Loading new save file %s (new xl fmt info 0x%x/0x%x/%d)" % (filename, mandatory, optional_flags, optional_len))
        if mandatory & ~XL_FLAGS_ALL:
            _say("Savefile has mandatory flag(s) 0x%x which are not supported; need newer xl" % (mandatory & ~XL_FLAGS_ALL))
            return 1
        optional = handle.read(optional_len)
        if len(optional) < optional_len:
            _say(XL_READ_EXACTLY % ("optdata", filename))
            _say(XL_OPTDATA_FATAL)
            return 1
        if not optional:
            _say("Config file not specified and none in save file")
            return 1
        _say(" Savefile contains xl domain config%s" % (" in JSON format" if mandatory & 0x1 else ""))
        if len(optional) < 4 or len(optional) - 4 < struct.unpack("=I", optional[:4])[0]:
            _say("Savefile truncated.")
            return 1
        config_len, = struct.unpack("=I", optional[:4])
        _say("Parsing config from <saved>")
        dom = json.loads(optional[4:4 + config_len].rstrip(b"\0"))
        domid = xlmigrate.create(dom, dom["name"], "--p---", 0)
        if domid is None:
            return 1
        json_stream = version_at_least(state, 4, 5)
        if json_stream:
            _say("xc: info: Found x86 %s domain from Xen %d.%d" % (dom["type"].upper(), state["xen"]["major"], state["xen"]["minor"]))
            _say("xc: info: Restoring domain")
        if not _image_complete(handle, dom):
            if json_stream:
                for line in xlmigrate.RESTORE_TRUNCATED:
                    _say(line % domid if "%d" in line else line)
            xlmigrate.destroy(dom["name"])
            return 1
        if json_stream:
            _say("xc: info: Restore successful")
            _say("xc: info: XenStore: mfn %#x, dom 0, evt 1" % dom.get("store_mfn", 0))
            _say("xc: info: Console: mfn %#x, dom 0, evt 2" % dom.get("console_mfn", 0))
    with hoststate.updating() as current:
        restored = hoststate.find_domain(current, dom["name"])
        restored["state"] = "--p---" if paused else "-b----"
        restored["online_vcpus"] = dom["online_vcpus"]
        restored.pop("shutdown_reason", None)
    if not paused:
        guestnet.attach(dom)
    return 0


# xm save / xm restore (xend's side: the lab's xm does xend's work in its own process).

def xm_save(dom, config, filename, checkpoint):
    """XendDomain.domain_save and XendCheckpoint.save: the file written while the domain is listed as migrating-NAME,
    then the domain destroyed (with checkpoint: resumed under its name). Raises XendFault."""
    try:
        fd = os.open(paths.path(filename), os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    except OSError as e:
        raise XendFault("can't write guest state file %s: %s" % (filename, e.strerror))
    name = dom["name"]
    xmmigrate._rename(name, XM_MIGRATING + name)
    try:
        with os.fdopen(fd, "wb") as handle:
            text = sxp.show(config).encode()
            record = json.dumps(dom).encode()
            handle.write(XM_SIGNATURE + struct.pack("!i", len(text)) + text + struct.pack("!i", len(record)) + record)
            _write_image(handle, dom)
    except OSError as e:
        xendlog.log(XM_SAVE_FAILED, "Save failed on domain %s (%s) - resuming." % (name, dom["domid"]))
        xmmigrate._rename(XM_MIGRATING + name, name)
        raise XendFault("can't write guest state file %s: %s" % (filename, e.strerror))
    if checkpoint:
        xmmigrate._rename(XM_MIGRATING + name, name)
    else:
        xmmigrate._remove(XM_MIGRATING + name)
        guestnet.detach(dom)


def _read_exact(handle, size, message):
    data = handle.read(size)
    if len(data) < size:
        xendlog.log(XM_READ_EXACT, "read_exact: EOF trying to read %d (buf='%s')" % (size, data.decode("latin-1")))
        raise XendFault(message)
    return data


def _restore_check(state, dom):
    """XendCheckpoint.restore before the image: a domain of that name (else of that uuid) with an id refuses it; then
    balloon.free for its memory and the disks, as the relocation receive checks them. Returns xend's error or None."""
    other = hoststate.find_domain(state, dom["name"]) or next((d for d in state["domains"] if d["uuid"] == dom["uuid"]), None)
    if other is not None:
        return "Domain '%s' already exists with ID '%d'" % (dom["name"], other["domid"]), False
    problem = xmmigrate.balloon_free(state, dom["memory"] * 1024)
    if problem is None:
        for disk in dom["disks"]:
            path = xmmigrate._disk_path(disk["uname"])
            if path and not os.path.exists(paths.path(path)):
                problem = ("Device %s (%s) could not be connected. %s does not exist."
                           % (xmmigrate._device_number(disk["dev"]), "tap" if disk["uname"].startswith("tap") else "vbd", path))
                break
    return problem, True


def xm_restore(filename, paused):
    """XendDomain.domain_restore and XendCheckpoint.restore: the signature, the configuration, the checks, then the
    domain created paused while the image is read, and unpaused unless paused. Raises XendFault; xend.log gets its lines."""
    try:
        handle = open(paths.path(filename), "rb")
    except OSError as e:
        raise XendFault("can't read guest state file %s: %s" % (filename, e.strerror))
    with handle:
        try:
            signature = _read_exact(handle, len(XM_SIGNATURE), "not a valid guest state file: signature read")
            if signature != XM_SIGNATURE:
                raise XendFault("not a valid guest state file: found '%s'" % signature.decode("latin-1"))
            size, = struct.unpack("!i", _read_exact(handle, 4, "not a valid guest state file: config size read"))
            _read_exact(handle, size, "not a valid guest state file: config read")
            size, = struct.unpack("!i", _read_exact(handle, 4, "not a valid guest state file: config read"))
            dom = json.loads(_read_exact(handle, size, "not a valid guest state file: config read"))
        except XendFault:
            xendlog.log(XM_RESTORE_FAILED, "Restore failed")
            raise
        with hoststate.updating() as state:
            problem, created = _restore_check(state, dom)
            if problem is None:
                domid = max(d["domid"] for d in state["domains"]) + 1
                state["domains"].append(dict(dom, state="--p---", domid=domid, online_vcpus=0))
                if state["free_memory_mb"] is not None:
                    state["free_memory_mb"] -= dom["memory"]
        if problem is not None:
            if created:
                xendlog.log(XM_RESTORE_EXCEPTION, problem)
            xendlog.log(XM_RESTORE_FAILED, "Restore failed")
            raise XendFault(problem)
        if not _image_complete(handle, dom):
            problem = "%s %d %d failed" % (XC_RESTORE, handle.fileno(), domid)
            xmmigrate._remove(dom["name"])
            xendlog.log(XM_RESTORE_EXCEPTION, problem)
            xendlog.log(XM_RESTORE_FAILED, "Restore failed")
            raise XendFault(problem)
    with hoststate.updating() as state:
        restored = hoststate.find_domain(state, dom["name"])
        restored["state"] = "--p---" if paused else dom["state"]
        restored["online_vcpus"] = dom["online_vcpus"]
    if not paused:
        guestnet.attach(dom)
