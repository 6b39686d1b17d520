"""Simulated `xm` (xend's command line client, tools/python/xen/xm/main.py).

xm talks to xend over the unix socket /var/run/xend/xmlrpc.sock; when the
connection fails it prints xm's own errors. Domain lists come sorted by
name (XendDomain.list_sorted); messages go through err() as "Error: ...".
"""
import getopt
import os
import socket
import sys
import time

from xensim import paths, state as hoststate
from xensim.sxp import prettyprint, py2_float
from xensim.state import DOM0

# hostinfo, savefile, xlcfg and xmmigrate are imported by the commands that use them: each xm call is a process of its own,
# and `xm list`, by far the most frequent, needs none of them.

ERROR_INVALID_DOMAIN = 3
DEFAULT_RELOCATION_PORT = 8002

LIST_HELP = (
    "Usage: xm list [options] [Domain, ...]\n"
    "\n"
    "List information about all/some domains.\n"
    + "".join("  %-30s %-43s\n" % pair for pair in (
        ("-l, --long", "Output all VM details in SXP"),
        ("--label", "Include security labels"),
        ("--state=<state>", "Select only VMs with the specified state"),
    ))
    + "\n"
)

SHORT_HELP = (
    "Usage: xm <subcommand> [args]\n"
    "\n"
    "Control, list, and manipulate Xen guest instances.\n"
    "\n"
    "For a complete list of subcommands run 'xm help'.\n"
)


class XmExit(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.code = code


def err(message):
    sys.stderr.write("Error: %s\n" % message)


def _connect_xend():
    """Open and close a connection to xend, as xm's ServerProxy does first."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(paths.path(paths.XEND_SOCKET))
    finally:
        sock.close()


def _relocation_port():
    """The port xend sends a guest to when xm gives none: the xend-relocation-port of the running xend's
    config (XendDomain._domain_migrate: if port == 0: port = xoptions.get_xend_relocation_port()),
    which the daemon tells every client on its socket."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(5)
    data = b""
    try:
        sock.connect(paths.path(paths.XEND_SOCKET))
        while not data.endswith(b"\n"):
            chunk = sock.recv(256)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    finally:
        sock.close()
    text = data.decode("utf-8", "replace").strip()
    if text.startswith("error "):
        err(text[len("error "):])
        raise XmExit(1)
    if text.startswith("relocation-port ") and text.split()[1].isdigit():
        return int(text.split()[1])
    return DEFAULT_RELOCATION_PORT


def _status(dom):
    flags = dom["state"]
    if "p" in flags:
        return 1
    if "s" in flags or "c" in flags:
        return 0
    return 2


def _uuid(dom, kind, index):
    return hoststate.stable_uuid(dom["uuid"], kind, index)


def _image(dom):
    if dom["name"] == DOM0:
        return ["image", ["linux", ["kernel", dom["kernel"]], ["superpages", 0], ["nomigrate", 0], ["tsc_mode", 0]]]
    notes = ["notes"] + [list(pair) for pair in dom["notes"]]
    if dom["type"] == "pv":
        body = ["linux", ["kernel", dom["kernel"]]]
        if dom["ramdisk"]:
            body.append(["ramdisk", dom["ramdisk"]])
        if dom["args"]:
            body.append(["args", dom["args"]])
        body += [["superpages", 0], ["videoram", 4], ["pci", []], ["nomigrate", 0], ["tsc_mode", 0], notes]
        return ["image", body]
    has_cdrom = any(d["dev"].endswith(":cdrom") for d in dom["disks"])
    return ["image", [
        "hvm", ["kernel", ""], ["superpages", 0], ["videoram", 4], ["hpet", 0], ["stdvga", 0],
        ["loader", "/usr/lib/xen/boot/hvmloader"], ["xen_platform_pci", 1], ["nomigrate", 0],
        ["rtc_timeoffset", 0], ["pci", []], ["hap", 1], ["localtime", 0], ["timer_mode", 1],
        ["vpt_align", 1], ["usb", 0], ["viridian", 0], ["acpi", 1], ["apic", 1], ["pae", 1],
        ["boot", "dc" if has_cdrom else "c"], ["device_model", "/usr/lib/xen/bin/qemu-dm"],
        ["vnc", 1], ["vncunused", 1], ["serial", "pty"], ["tsc_mode", 0], notes,
    ]]


def _devices(dom):
    hvm = dom["type"] == "hvm"
    devices = []
    for i, vif in enumerate(dom["vifs"]):
        body = ["vif", ["bridge", vif["bridge"]], ["mac", vif["mac"]],
                ["script", vif.get("script", "/etc/xen/scripts/vif-bridge")]]
        if hvm:
            body += [["model", vif.get("model", "rtl8139")], ["type", "ioemu"]]
        body += [["uuid", vif.get("uuid", _uuid(dom, "vif", i))], ["backend", 0]]
        devices.append(["device", body])
    devices.append(["device", ["console", ["protocol", "vt100"], ["location", 2],
                               ["uuid", dom.get("console_uuid", _uuid(dom, "console", 0))]]])
    for i, disk in enumerate(dom["disks"]):
        kind = "tap" if disk["uname"].startswith("tap") else "vbd"
        dev = disk["dev"] if ":" in disk["dev"] else disk["dev"] + ":disk"
        body = [kind]
        if not hvm:
            body.append(["protocol", disk.get("protocol", "x86_64-abi")])
        body += [["uuid", disk.get("uuid", _uuid(dom, "vbd", i))], ["bootable", disk.get("bootable", int(i == 0))],
                 ["dev", dev]]
        if disk["uname"]:
            body.append(["uname", disk["uname"]])
        body += [["mode", disk["mode"]], ["backend", 0], ["VDI", ""]]
        devices.append(["device", body])
    for i, bdf in enumerate(dom["pci"]):
        domain, bus, slotfunc = bdf.split(":")
        slot, func = slotfunc.split(".")
        devices.append(["device", ["pci", ["uuid", _uuid(dom, "pci", i)], ["dev", [
            ["slot", "0x" + slot], ["domain", "0x" + domain], ["key", "%s:%s.%s" % (bus, slot, func)],
            ["bus", "0x" + bus], ["vdevfn", "0x100"], ["func", "0x" + func],
            ["uuid", _uuid(dom, "pcidev", i)]]]]])
    return devices


def domain_sxp(dom):
    """The domain as xend's XendDomainInfo.sxpr() returns it (Xen 4.0 field set and order)."""
    is_dom0 = dom["name"] == DOM0
    sxp = ["domain",
           ["domid", dom["domid"]], ["cpu_weight", dom["cpu_weight"]], ["cpu_cap", dom["cpu_cap"]],
           ["bootloader", dom["bootloader"]], ["on_crash", dom["on_crash"]], ["uuid", dom["uuid"]],
           ["bootloader_args", dom["bootloader_args"]], ["vcpus", dom["vcpus"]]]
    if not is_dom0:
        sxp.append(["description", dom["description"]])
    sxp += [["name", dom["name"]], ["cpus", dom["cpus"]], ["on_reboot", dom["on_reboot"]],
            ["on_poweroff", dom["on_poweroff"]], ["maxmem", dom["maxmem"]], ["memory", dom["memory"]],
            ["shadow_memory", dom["shadow_memory"]], ["features", ""], ["on_xend_start", "ignore"],
            ["on_xend_stop", "ignore"]]
    if not is_dom0:
        sxp.append(["start_time", float(dom["start_time"])])
    sxp += [["cpu_time", float(dom["cpu_time"])], ["online_vcpus", dom["online_vcpus"]], _image(dom),
            ["status", _status(dom)], ["state", dom["state"]]]
    if not is_dom0:
        sxp += [["store_mfn", dom["store_mfn"]], ["console_mfn", dom["console_mfn"]]]
        sxp += _devices(dom)
    return sxp


def _lookup_nr(state, ident):
    """XendDomain.domain_lookup_nr: a domain of that name, else of that domid (int(ident)), else of that UUID."""
    dom = hoststate.find_domain(state, ident)
    if dom is None:
        try:
            dom = hoststate.domain_with_id(state, int(ident))
        except ValueError:
            pass
    if dom is None:
        dom = next((d for d in state["domains"] if d["uuid"] == ident), None)
    return dom


def _parse(args, short, longs):
    """xen.xm.opts.Opts.parse: getopt.getopt (no permutation) again after each argument, so that an option may follow an
    argument; '--' ends the options only for the argument right after it. Returns (options, arguments)."""
    options, params = [], []
    while args:
        found, args = getopt.getopt(args, short, longs)
        options += found
        if not args:
            break
        params.append(args[0])
        args = args[1:]
    return options, params


def _lookup(state, names):
    doms = []
    for name in names:
        dom = _lookup_nr(state, name)
        if dom is None:
            err("Domain '%s' does not exist." % name)
            raise XmExit(ERROR_INVALID_DOMAIN)
        doms.append(dom)
    return doms


def xm_list(args):
    try:
        options, params = getopt.gnu_getopt(args, "lv", ["long", "vcpus", "label", "state="])
    except getopt.GetoptError as e:
        err(e.msg)
        sys.stdout.write(LIST_HELP)
        raise XmExit(1)
    names = [k for k, _ in options]
    unsupported = [k for k in names if k not in ("-l", "--long")]
    if unsupported:
        err("xm list %s is not simulated in XenLab" % unsupported[0])
        raise XmExit(1)
    state = hoststate.load()
    if params:
        doms = _lookup(state, params)
    else:
        doms = sorted(state["domains"], key=lambda d: d["name"])
    if names:
        sys.stdout.write("".join(prettyprint(domain_sxp(d)) for d in doms))
        return
    lines = ["%-40s %5s %5s %5s %10s %9s" % ("Name", "ID", "Mem", "VCPUs", "State", "Time(s)")]
    for d in doms:
        lines.append("%-40s %5s %5d %5d %10s %8.1f" % (
            d["name"], d["domid"], d["memory"], d["online_vcpus"], d["state"], d["cpu_time"]))
    sys.stdout.write("\n".join(lines) + "\n")


def xm_info(args):
    from xensim import hostinfo

    if args:
        err("xm info %s is not simulated in XenLab" % args[0])
        raise XmExit(1)
    for key, value in hostinfo.xm_info(hoststate.load()):
        value = py2_float(value) if isinstance(value, float) else value
        sys.stdout.write("%-23s: %s\n" % (key, value))


def xm_migrate(args):
    """xm migrate [-l|--live] [-p PORT|--port=PORT] DOMAIN HOST, checked as XendDomain.domain_migrate does."""
    from xensim import xmmigrate

    try:
        options, params = _parse(args, "hlp:", ["help", "live", "port="])
    except getopt.GetoptError as e:
        err(e.msg)
        raise XmExit(1)
    if any(key in ("-h", "--help") for key, _ in options):
        sys.stdout.write("Usage:  xm migrate <Domain> <Host>\n\nMigrate a domain to another machine.\n")
        return
    if len(params) != 2:
        err("Invalid number of arguments")
        raise XmExit(1)
    live, port = False, None
    for key, value in options:
        if key in ("-l", "--live"):
            live = True
        elif not all(c in "0123456789" for c in value) or not value:
            err("option port: invalid integer: '%s'" % value)
            raise XmExit(1)
        else:
            port = int(value)
    dom, = _lookup(hoststate.load(), params[:1])
    if dom["name"] == DOM0:
        err("Cannot migrate privileged domain %s" % DOM0)
        raise XmExit(1)
    if _status(dom) != 2 or not ("r" in dom["state"] or "b" in dom["state"]):
        err("Domain is not running")
        raise XmExit(1)
    if not port:
        port = _relocation_port()
    try:
        xmmigrate.migrate(dom, domain_sxp(dom), params[1], port, live)
    except xmmigrate.MigrationError as e:
        err(str(e))
        raise XmExit(1)


def xm_destroy(args):
    """xm destroy DOMAIN (XendDomain.domain_destroy)."""
    if len(args) != 1:
        err("'xm destroy' requires 1 argument.")
        raise XmExit(1)
    dom, = _lookup(hoststate.load(), args)
    if dom["name"] == DOM0:
        err("Cannot destroy privileged domain %s" % dom["domid"])
        raise XmExit(1)
    with hoststate.updating() as state:
        state["domains"] = [d for d in state["domains"] if d["name"] != dom["name"]]


def config_sxp(dom):
    """The (vm ...) configuration that create.py's make_config builds from a config file, as `xm create --dryrun`
    prints it: the settings XenLab's files hold."""
    vm = ["vm", ["name", dom["name"]], ["memory", dom["memory"]], ["maxmem", dom["maxmem"]], ["vcpus", dom["vcpus"]],
          ["uuid", dom["uuid"]]]
    if dom["type"] == "pv":
        body = ["linux", ["kernel", dom["kernel"]]]
        if dom["args"]:
            body.append(["args", dom["args"]])
        vm.append(["image", body])
    else:
        vm.append(["image", ["hvm", ["kernel", ""], ["device_model", "/usr/lib/xen/bin/qemu-dm"]]])
    for disk in dom["disks"]:
        vm.append(["device", ["tap" if disk["uname"].startswith("tap") else "vbd", ["uname", disk["uname"]],
                              ["dev", disk["dev"]], ["mode", disk["mode"]]]])
    for vif in dom["vifs"]:
        vm.append(["device", ["vif"] + [[key, vif[key]] for key in ("bridge", "mac", "model") if key in vif]])
    return vm


def xm_create(args):
    """xm create [-q] [-n] [-p] [-f FILE] [FILE] [VAR=VALUE...] (create.py main, opts.py load_defconfig): XenLab reads the
    file's assignments as literals (xm runs it as Python); -n prints the (vm ...) configuration and creates nothing."""
    from xensim import xlcfg

    options, params = _parse(args, "f:nqp", ["defconfig=", "dryrun", "quiet", "paused"])
    flags = {k for k, _ in options}
    config_file = next((v for k, v in options if k in ("-f", "--defconfig")), None)
    extra = [p for p in params if "=" in p]
    if config_file is None:
        config_file = next((p for p in params if "=" not in p), None)
    if config_file is None:
        err("xm create without a config file is not simulated in XenLab")
        raise XmExit(1)
    try:
        with open(paths.path(config_file), encoding="utf-8") as f:
            text = f.read()
    except OSError:
        err("Unable to open config file: %s" % config_file)
        raise XmExit(1)
    if not flags & {"-q", "--quiet"}:
        sys.stdout.write('Using config file "%s".\n' % config_file)
    state = hoststate.load()
    try:
        entry = xlcfg.domain_entry(xlcfg.parse(text + "\n" + "\n".join(extra), config_file))
        dom = hoststate.config_domain(entry, state, time.time())
    except (xlcfg.ConfigError, hoststate.ProfileError) as e:
        err(str(e))
        raise XmExit(1)
    if flags & {"-n", "--dryrun"}:
        sys.stdout.write(prettyprint(config_sxp(dom)))
        return
    with hoststate.updating() as state:
        other = hoststate.find_domain(state, dom["name"])
        if other is not None:
            err("Domain '%s' already exists with ID '%d'" % (dom["name"], other["domid"]))
            raise XmExit(1)
        dom["domid"] = max(d["domid"] for d in state["domains"]) + 1
        dom["state"] = "--p---" if flags & {"-p", "--paused"} else "-b----"
        dom["cpu_time"] = 0.0
        state["domains"].append(dom)
        if state["free_memory_mb"] is not None:
            state["free_memory_mb"] -= dom["memory"]
    if not flags & {"-q", "--quiet"}:
        sys.stdout.write("Started domain %s (id=%d)\n" % (dom["name"], dom["domid"]))


# main.py SUBCOMMAND_HELP and SUBCOMMAND_OPTIONS, as cmdHelp prints them (the option's text wrapped at 43 and padded).
COMMAND_HELP = {
    "save": ("[-c] <Domain> <CheckpointFile>", "Save a domain state to restore later.",
             [("-c", "--checkpoint", "Leave domain running after creating snapshot")]),
    "restore": ("<CheckpointFile> [-p]", "Restore a domain from a saved state.",
                [("-p", "--paused", "Do not unpause domain after restoring it")]),
}


def _wrap(text, width):
    """xen.xm.opts.wrap: the text as it is when shorter than width, else words gathered while a line stays below it."""
    if len(text) < width:
        return [text]
    lines, current = [], ""
    for word in text.strip().split():
        if len(current) + len(word) + 1 < width:
            current += word + " "
        else:
            lines.append(current.strip())
            current = word + " "
    if current:
        lines.append(current.strip())
    return lines


def _usage(command):
    """cmdHelp: the command's usage, its description and its options, on stdout."""
    args, description, options = COMMAND_HELP[command]
    out = "Usage: xm %s %s\n\n%s\n" % (command, args, description)
    for short, long_, text in options:
        wrapped = _wrap(text, 43)
        out += "  %-30s %-43s\n" % ("%s, %s" % (short, long_), wrapped[0])
        out += "".join(" " * 33 + line + "\n" for line in wrapped[1:])
    sys.stdout.write(out + "\n")


def _fault(command, message):
    """An error xend raised (xmlrpclib.Fault other than an invalid domain): xm prints it, then the command's usage; exit 1."""
    err(message)
    _usage(command)
    raise XmExit(1)


def _arg_check(args, command, low, high):
    """main.py arg_check: the arguments that are not '--' must number low to high."""
    count = len([a for a in args if a != "--"])
    if count < low or count > high:
        err("'xm %s' requires between %d and %d arguments.\n" % (command, low, high))
        _usage(command)
        raise XmExit(1)


def _flag_and_params(args, command, flag, count):
    """The options of xm save and xm restore: one flag (-c/--checkpoint, -p/--paused) and `count` parameters, refused
    as main.py refuses them (getopt's message or "Wrong number of parameters", then the command's usage)."""
    try:
        options, params = getopt.gnu_getopt(args, flag[0], [flag])
    except getopt.GetoptError as e:
        err(e.msg)
        _usage(command)
        raise XmExit(1)
    if len(params) != count:
        err("Wrong number of parameters")
        _usage(command)
        raise XmExit(1)
    return any(k in ("-" + flag[0], "--" + flag) for k, _ in options), params


def xm_save(args):
    """xm save [-c|--checkpoint] DOMAIN FILE (main.py xm_save, XendDomain.domain_save): the domain must run; without -c it
    is destroyed once its state is written (savefile.xm_save)."""
    from xensim import savefile

    _arg_check(args, "save", 2, 3)
    checkpoint, params = _flag_and_params(args, "save", "checkpoint", 2)
    savefile_path = os.path.abspath(params[1])
    if not os.access(os.path.dirname(paths.path(savefile_path)), os.W_OK):
        err("xm save: Unable to create file %s" % savefile_path)
        raise XmExit(1)
    dom = _lookup_nr(hoststate.load(), params[0])
    if dom is None:
        err("Domain '%s' does not exist." % params[0])
        raise XmExit(ERROR_INVALID_DOMAIN)
    if dom["domid"] == 0:
        _fault("save", "Cannot save privileged domain %s" % params[0])
    if _status(dom) != 2 or not ("r" in dom["state"] or "b" in dom["state"]):
        _fault("save", "Domain is not running")
    try:
        savefile.xm_save(dom, domain_sxp(dom), savefile_path, checkpoint)
    except savefile.XendFault as e:
        _fault("save", str(e))


def xm_restore(args):
    """xm restore [-p|--paused] FILE (main.py xm_restore, XendDomain.domain_restore, XendCheckpoint.restore): a domain of
    the name refuses it, then xend's memory and disk checks (savefile.xm_restore)."""
    from xensim import savefile

    _arg_check(args, "restore", 1, 2)
    paused, params = _flag_and_params(args, "restore", "paused", 1)
    savefile_path = os.path.abspath(params[0])
    if not os.access(paths.path(savefile_path), os.R_OK):
        err("xm restore: Unable to read file %s" % savefile_path)
        raise XmExit(1)
    try:
        savefile.xm_restore(savefile_path, paused)
    except savefile.XendFault as e:
        _fault("restore", str(e))


COMMANDS = {"list": xm_list, "info": xm_info, "migrate": xm_migrate, "destroy": xm_destroy, "create": xm_create,
            "save": xm_save, "restore": xm_restore}


def main(args):
    if not args:
        sys.stdout.write(SHORT_HELP)
        return 1
    command = COMMANDS.get(args[0])
    if command is None:
        err("Subcommand %s not found!" % args[0])
        sys.stdout.write(SHORT_HELP)
        return 1
    try:
        _connect_xend()
    except OSError as e:
        if paths.unprivileged():
            err("Most commands need root access. Please try again as root.")
        else:
            err("Unable to connect to xend: %s. Is xend running?" % e.strerror)
        return 1
    try:
        command(args[1:])
    except XmExit as e:
        return e.code
    return 0
