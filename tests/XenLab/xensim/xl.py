"""Simulated `xl` (tools/xl: xl.c, xl_info.c, xl_utils.c).

`xl list` sorts by domid; `xl list -l` prints libxl's domain configuration
as yajl JSON, leaving out members that hold libxl's default, as
libxl_domain_config_gen_json does.
"""
import getopt
import os
import struct
import sys
import time

from xensim import paths, state as hoststate, yajl
from xensim.state import DOM0, version_at_least

# hostinfo, savefile, xlcfg and xlmigrate are imported by the commands that use them: each xl call is a process of its own,
# and `xl list`, by far the most frequent, needs none of them.

ERROR_INVAL = -6
NO_CONFIGURATION = ("libxl: error: libxl_domain.c:2335:retrieve_domain_configuration_lock_acquired: "
                    "Domain %d:Fail to get domain configuration\n")

LIST_HELP = (
    "Usage: xl [-v] list [options] [Domain]\n"
    "\n"
    "List information about all/some domains.\n"
    "\n"
    "Options:\n"
    "\n"
    "-l, --long              Output all VM details\n"
    "-v, --verbose           Prints out UUIDs and security context\n"
    "-Z, --context           Prints out security context\n"
    "-c, --cpupool           Prints the cpupool the domain is in\n"
    "-n, --numa              Prints out NUMA node affinity\n"
)


class XlExit(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.code = code


def _options(args, short, longs):
    try:
        return getopt.gnu_getopt(args, short + "h", longs + ["help"])
    except getopt.GetoptError as e:
        sys.stderr.write("option `%s' not supported.\n" % e.opt)
        raise XlExit(2)


def _find_domain(state, ident):
    """find_domain() through libxl_domain_qualifier_to_domid(): an argument of ASCII digits only (isdigit() in the C
    locale; the empty one too) is a domid as is (strtoul into a uint32_t), even when a guest has that name; anything
    else is a name (libxl_name_to_domid) that must exist."""
    if all(c in "0123456789" for c in ident):
        domid = min(int(ident or "0"), 2 ** 64 - 1) & 0xFFFFFFFF
        return domid, hoststate.domain_with_id(state, domid)
    dom = hoststate.find_domain(state, ident)
    if dom is None:
        sys.stderr.write("%s is an invalid domain identifier (rc=%d)\n" % (ident, ERROR_INVAL))
        raise XlExit(1)
    return dom["domid"], dom


def _cpu_seconds(dom):
    """(float)cpu_time_ns / 1e9, as xl computes the Time(s) column."""
    ns = int(round(float(dom["cpu_time"]) * 1e9))
    return struct.unpack("f", struct.pack("f", ns))[0] / 1e9


def _flags(dom):
    """xl's six flags: the shutdown-reason letter ("-rscwS") follows the s flag: c crash, s suspend."""
    xm = dom["state"]
    shutdown = xm[3] == "s" or xm[4] == "c"
    reason = "c" if xm[4] == "c" else "s" if shutdown and dom.get("shutdown_reason") == "suspend" else "-"
    return "%s%s%s%s%s%s" % (xm[0], xm[1], xm[2], "s" if shutdown else "-", reason, xm[5])


def _list_rows(state, doms, verbose, context, cpupool, numa):
    header = "Name                                        ID   Mem VCPUs\tState\tTime(s)"
    if verbose:
        header += "   UUID                            Reason-Code\tSecurity Label"
    if context and not verbose:
        header += "   Security Label"
    if cpupool:
        header += "         Cpupool"
    if numa:
        header += " NODE Affinity"
    lines = [header]
    for dom in doms:
        line = "%-40s %5d %5d %5d     %s  %8.1f" % (
            dom["name"], dom["domid"], dom["memory"], dom["online_vcpus"], _flags(dom), _cpu_seconds(dom))
        if verbose:
            line += " %s %8s" % (dom["uuid"], "-")
        if verbose or context:
            line += " %16s" % "-"
        if cpupool:
            line += "%16s" % "Pool-0"
        if numa:
            line += " all"
        lines.append(line)
    return "\n".join(lines) + "\n"


def _defbool(value):
    return "True" if value else "False"


def _disk_json(disk):
    uname = disk["uname"]
    kind, _, target = uname.partition(":")
    if kind.startswith("tap"):
        fmt, _, target = target.partition(":")
        backend = "qdisk"
    else:
        fmt = "raw"
        backend = "phy" if kind == "phy" else "qdisk"
    vdev, _, media = disk["dev"].partition(":")
    out = {}
    if target:
        out["pdev_path"] = target
    out["vdev"] = vdev
    out["backend"] = backend if target else "qdisk"
    out["format"] = fmt if target else "empty"
    if media == "cdrom":
        out["removable"] = 1
    out["readwrite"] = 1 if disk["mode"] == "w" else 0
    if media == "cdrom":
        out["is_cdrom"] = 1
    return out


def _nic_json(dom, index, vif):
    out = {"devid": index}
    if dom["type"] == "hvm":
        out["model"] = vif.get("model", "rtl8139")
    out["mac"] = vif["mac"]
    out["bridge"] = vif["bridge"]
    out["script"] = vif.get("script", "vif-bridge")
    out["nictype"] = "vif_ioemu" if dom["type"] == "hvm" else "vif"
    return out


def _pci_json(bdf):
    domain, bus, slotfunc = bdf.split(":")
    slot, func = slotfunc.split(".")
    out = {}
    for key, value in (("func", int(func, 16)), ("dev", int(slot, 16)), ("bus", int(bus, 16)),
                       ("domain", int(domain, 16))):
        if value:
            out[key] = value
    return out


def _arch_members(state, dom):
    members = {}
    if version_at_least(state, 4, 6):
        members["arch_arm"] = {}
    if version_at_least(state, 4, 15):
        members["arch_x86"] = {} if dom["name"] == DOM0 else {"msr_relaxed": _defbool(False)}
    return members


def domain_config(state, dom):
    """libxl_domain_config of a domain, as libxl_retrieve_domain_configuration fills it."""
    sched = {"sched": state["scheduler"], "weight": dom["cpu_weight"], "cap": dom["cpu_cap"]}
    maxmem = dom["maxmem"] if dom["maxmem"] != hoststate.UNLIMITED_MAXMEM else dom["memory"]
    max_memkb = dom.get("max_memkb", maxmem * 1024)
    if dom["name"] == DOM0:
        b_info = {"max_memkb": max_memkb, "target_memkb": dom.get("target_memkb", dom["memory"] * 1024 - 1),
                  "sched_params": sched, "type.pv": {}}
        b_info.update(_arch_members(state, dom))
        return {"c_info": {"type": "pv", "name": dom["name"]}, "b_info": b_info}
    hvm = dom["type"] == "hvm"
    c_info = {"type": dom["type"], "name": dom["name"], "domid": 4294967295, "uuid": dom["uuid"],
              "run_hotplug_scripts": _defbool(True)}
    b_info = {"max_vcpus": dom["vcpus"], "avail_vcpus": list(range(dom["online_vcpus"])),
              "max_memkb": max_memkb, "target_memkb": dom.get("target_memkb", dom["memory"] * 1024),
              "video_memkb": 8192 if hvm else 0}
    if hvm:
        b_info["shadow_memkb"] = dom["shadow_memory"] * 1024
        b_info["device_model_version"] = "qemu_xen"
    b_info["sched_params"] = sched
    b_info["claim_mode"] = _defbool(True)
    if hvm:
        has_cdrom = any(d["dev"].endswith(":cdrom") for d in dom["disks"])
        b_info["type.hvm"] = {"pae": _defbool(True), "acpi": _defbool(True), "nx": _defbool(True),
                              "vga": {"kind": "cirrus"}, "vnc": {"enable": _defbool(True)},
                              "serial": "pty", "boot": "dc" if has_cdrom else "c"}
    else:
        b_info["kernel"] = dom["kernel"]
        if dom["args"]:
            b_info["cmdline"] = dom["args"]
        if dom["ramdisk"]:
            b_info["ramdisk"] = dom["ramdisk"]
        b_info["type.pv"] = {}
    b_info.update(_arch_members(state, dom))
    config = {"c_info": c_info, "b_info": b_info}
    if dom["disks"]:
        config["disks"] = [_disk_json(d) for d in dom["disks"]]
    if dom["vifs"]:
        config["nics"] = [_nic_json(dom, i, v) for i, v in enumerate(dom["vifs"])]
    if dom["pci"]:
        config["pcidevs"] = [_pci_json(p) for p in dom["pci"]]
    for event in ("on_poweroff", "on_reboot", "on_crash"):
        if dom[event] != "destroy":
            config[event] = dom[event]
    config["on_soft_reset"] = "soft_reset"
    return config


def xl_list(args):
    options, params = _options(args, "lvZcn", ["long", "verbose", "context", "cpupool", "numa"])
    flags = {k for k, _ in options}
    if flags & {"-h", "--help"}:
        sys.stdout.write(LIST_HELP)
        return
    state = hoststate.load()
    if len(params) > 1:
        sys.stdout.write(LIST_HELP)
        raise XlExit(1)
    if params:
        domid, dom = _find_domain(state, params[0])
        if dom is None:
            sys.stderr.write("Error: Domain '%s' does not exist.\n" % params[0])
            raise XlExit(1)
        doms = [dom]
    else:
        doms = sorted(state["domains"], key=lambda d: d["domid"])
    if flags & {"-l", "--long"}:
        for dom in doms:
            if not _has_configuration(dom):
                sys.stderr.write(NO_CONFIGURATION % dom["domid"])
        document = [{"domid": d["domid"], "config": domain_config(state, d)} for d in doms if _has_configuration(d)]
        sys.stdout.write(yajl.generate(document) + "\n")
        return
    sys.stdout.write(_list_rows(state, doms, bool(flags & {"-v", "--verbose"}), bool(flags & {"-Z", "--context"}),
                                bool(flags & {"-c", "--cpupool"}), bool(flags & {"-n", "--numa"})))


def _has_configuration(dom):
    """libxl stores a domain's configuration when its creation completes (domcreate_complete): an incoming
    domain has none yet, and one whose receiver died never gets one (xl-list-l.xen-4.17.5-stale-incoming-*)."""
    return not dom["name"].endswith("--incoming")


def xl_destroy(args):
    """xl destroy [-f] DOMAIN (xl_vmcontrol.c destroy_domain)."""
    from xensim import xlmigrate

    options, params = _options(args, "f", [])
    if len(params) != 1:
        sys.stderr.write("'xl destroy' requires at least 1 argument.\n\n")
        raise XlExit(2)
    state = hoststate.load()
    domid, dom = _find_domain(state, params[0])
    if domid == 0 and not any(k == "-f" for k, _ in options):
        sys.stderr.write("Not destroying domain 0; use -f to force.\n"
                         "This can only be done using a hypervisor configured to use xenstore stubdom.\n")
        raise XlExit(1)
    if dom is None:
        sys.stderr.write("libxl: error: libxl_domain.c:1183:libxl__destroy_domid: Domain %d:Non-existant domain\n"
                         "libxl: error: libxl_domain.c:1137:domain_destroy_callback: Domain %d:Unable to destroy guest\n"
                         "libxl: error: libxl_domain.c:1064:domain_destroy_cb: Domain %d:Destruction of domain failed\n"
                         "destroy failed (rc=-3)\n" % (domid, domid, domid))
        raise XlExit(1)
    xlmigrate.destroy(dom["name"])


def xl_resume(args):
    """xl resume DOMAIN (Xen 4.18 on: libxl_domain_resume with suspend_cancel): a guest shut down for suspend runs again."""
    from xensim import xlmigrate

    _, params = _options(args, "", [])
    if len(params) != 1:
        sys.stderr.write("'xl resume' requires at least 1 argument.\n\n")
        raise XlExit(2)
    domid, dom = _find_domain(hoststate.load(), params[0])
    if dom is None or dom.get("shutdown_reason") != "suspend":
        for line in xlmigrate.NOT_SUSPENDED:
            sys.stderr.write(line % domid + "\n")
        raise XlExit(1)
    xlmigrate.resume(dom["name"], "-b----")


def xl_create(args):
    """xl create [-n] [-p] [-q] [-f FILE] [FILE] [KEY=VALUE...] (xl_vmcontrol.c main_create, create_domain,
    parse_config_data): -n prints the parsed configuration as JSON and creates nothing."""
    from xensim import xlcfg, xlmigrate

    config_file = None
    if args and not args[0].startswith("-") and "=" not in args[0]:
        config_file, args = args[0], args[1:]
    options, params = _options(args, "AFVcdef:inpq", ["dryrun", "quiet", "defconfig="])
    flags = {k for k, _ in options}
    for key, value in options:
        if key in ("-f", "--defconfig"):
            config_file = value
    extra = ""
    for param in params:
        if "=" in param:
            extra += param + "\n"
        elif config_file is None:
            config_file = param
        else:
            sys.stderr.write("'xl create' takes one config file.\n")
            raise XlExit(2)
    if config_file is None:
        sys.stderr.write("xl create without a config file is not simulated in XenLab\n")
        raise XlExit(1)
    try:
        with open(paths.path(config_file), encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        sys.stderr.write("Failed to read config file: %s: %s\n" % (config_file, os.strerror(e.errno)))
        raise XlExit(1)
    if extra:
        text += "\n" + extra
    if not flags & {"-q", "--quiet"}:
        sys.stderr.write("Parsing config from %s\n" % config_file)
    try:
        settings = xlcfg.parse(text, config_file)
        entry = xlcfg.domain_entry(settings)
    except xlcfg.ConfigError as e:
        sys.stderr.write("%s\nFailed to parse config: Invalid argument\n" % e)
        raise XlExit(1)
    if not entry["name"]:
        sys.stderr.write("Domain name must be specified.\n")
        raise XlExit(1)
    state = hoststate.load()
    try:
        dom = hoststate.config_domain(entry, state, time.time())
    except hoststate.ProfileError as e:
        sys.stderr.write("%s\nFailed to parse config: Invalid argument\n" % e)
        raise XlExit(1)
    if flags & {"-n", "--dryrun"}:
        sys.stdout.write(yajl.generate(domain_config(state, dom)) + "\n")
        return
    paused = bool(flags & {"-p"})
    if xlmigrate.create(dom, dom["name"], "--p---" if paused else "-b----", dom["vcpus"]) is None:
        raise XlExit(1)


def xl_info(args):
    from xensim import hostinfo

    options, params = _options(args, "n", ["numa"])
    if options:
        sys.stderr.write("xl info -n is not simulated in XenLab\n")
        raise XlExit(1)
    lines = []
    for key, value in hostinfo.xl_info(hoststate.load()):
        if key == "virt_caps":
            lines.append("%-23s:%s\n" % (key, " " + value if value else ""))
        else:
            lines.append("%-23s: %s\n" % (key, value))
    if params:
        wanted = params[0]
        lines = [line.split(": ", 1)[1] for line in lines
                 if line.startswith(wanted) and line.find(":") >= 0 and line[line.find(":") + 1:].startswith(" ")]
    sys.stdout.write("".join(lines))


SAVE_HELP = (
    "Usage: xl [-vtTf] save [options] <Domain> <CheckpointFile> [<ConfigFile>]\n"
    "\n"
    "Save a domain state to restore later.\n"
    "\n"
    "Options:\n"
    "\n"
    "-h  Print this help.\n"
    "-c  Leave domain running after creating the snapshot.\n"
    "-p  Leave domain paused after creating the snapshot.\n"
    "-D  Store the domain id in the configuration.\n"
)

RESTORE_HELP = (
    "Usage: xl [-vtTf] restore [options] [<ConfigFile>] <CheckpointFile>\n"
    "\n"
    "Restore a domain from a saved state.\n"
    "\n"
    "Options:\n"
    "\n"
    "-h                       Print this help.\n"
    "-p                       Do not unpause domain after restoring it.\n"
    "-e                       Do not wait in the background for the death of the domain.\n"
    "-d                       Enable debug messages.\n"
    "-V, --vncviewer          Connect to the VNC display after the domain is created.\n"
    "-A, --vncviewer-autopass Pass VNC password to viewer via stdin.\n"
)


def _required(args_count, command, required, help_text):
    """def_getopt: fewer arguments than the command requires prints xl's message and the command's help, exit 2."""
    if args_count < required:
        sys.stderr.write("'xl %s' requires at least %d argument%s.\n\n" % (command, required, "s" if required > 1 else ""))
        sys.stdout.write(help_text)
        raise XlExit(2)


def xl_save(args):
    """xl save [-c] [-p] [-D] DOMAIN CHECKPOINTFILE (xl_saverestore.c main_save, save_domain): without -c or -p the domain
    is destroyed once its state is written (savefile.xl_save)."""
    from xensim import savefile

    options, params = _options(args, "cpD", [])
    flags = {k for k, _ in options}
    if flags & {"-h", "--help"}:
        sys.stdout.write(SAVE_HELP)
        return
    _required(len(params), "save", 2, SAVE_HELP)
    if len(params) > 3:
        sys.stdout.write(SAVE_HELP)
        raise XlExit(1)
    state = hoststate.load()
    domid, dom = _find_domain(state, params[0])
    if dom is not None and not _has_configuration(dom):
        sys.stderr.write(NO_CONFIGURATION % domid)
        dom = None
    if dom is None:
        sys.stderr.write("unable to retrieve domain configuration\n")
        raise XlExit(1)
    if len(params) == 3:
        sys.stderr.write("xl save with a config file is not simulated in XenLab\n")
        raise XlExit(1)
    if dom["name"] == DOM0:
        sys.stderr.write("xl save of Domain-0 is not simulated in XenLab\n")
        raise XlExit(1)
    raise XlExit(savefile.xl_save(state, dom, params[1], "-c" in flags, "-p" in flags))


def xl_restore(args):
    """xl restore [-p] [-e] [-d] [-F] [-c] [-V] [-A] CHECKPOINTFILE (xl_saverestore.c main_restore, xl_vmcontrol.c
    create_domain): xl's memory check, libxl's name and disk checks, then the domain runs (savefile.xl_restore). The
    monitoring daemon that real xl leaves (unless -e) is not simulated."""
    from xensim import savefile

    options, params = _options(args, "FcpdeVA", ["vncviewer", "vncviewer-autopass"])
    flags = {k for k, _ in options}
    if flags & {"-h", "--help"}:
        sys.stdout.write(RESTORE_HELP)
        return
    _required(len(params), "restore", 1, RESTORE_HELP)
    if len(params) == 2:
        sys.stderr.write("xl restore with a config file is not simulated in XenLab\n")
        raise XlExit(1)
    if len(params) != 1:
        sys.stdout.write(RESTORE_HELP)
        raise XlExit(1)
    raise XlExit(savefile.xl_restore(hoststate.load(), params[0], "-p" in flags))


MIGRATE_HELP = (
    "Usage: xl [-vf] migrate <Domain> <host>\n"
    "\n"
    "Migrate a domain to another host.\n"
    "\n"
    "Options:\n"
    "\n"
    "-h              Print this help.\n"
    "-C <config>     Send <config> instead of config file from creation.\n"
    "-s <sshcommand> Use <sshcommand> instead of ssh.  String will be passed\n"
    "                to sh. If empty, run <host> instead of ssh <host> xl\n"
    "                migrate-receive [-d -e]\n"
    "-e              Do not wait in the background (on <host>) for the death\n"
    "                of the domain.\n"
    "--debug         Print huge (!) amount of debug during the migration process.\n"
    "-p              Do not unpause domain after migrating it.\n"
    "-D              Preserve the domain id\n"
)


def xl_migrate(args, verbosity):
    """xl migrate [-s SSHCOMMAND] [--debug] DOMAIN HOST: the sender side (xlmigrate.migrate)."""
    from xensim import xlmigrate

    options, params = _options(args, "FC:s:epD", ["debug", "live"])
    if any(k in ("-h", "--help") for k, _ in options):
        sys.stdout.write(MIGRATE_HELP)
        return
    if len(params) < 2:
        sys.stderr.write("'xl migrate' requires at least 2 arguments.\n\n")
        sys.stdout.write(MIGRATE_HELP)
        raise XlExit(2)
    ssh_command = "ssh"
    receive_options = set()
    for key, value in options:
        if key == "-s":
            ssh_command = value
        receive_options |= {"-e": {"-e"}, "--debug": {"-d"}, "-p": {"-p"}}.get(key, set())
    state = hoststate.load()
    _, dom = _find_domain(state, params[0])
    if dom is None:
        sys.stderr.write("unable to retrieve domain configuration\n")
        raise XlExit(1)
    rune = xlmigrate.rune(ssh_command, params[1], verbosity, sys.stderr.isatty(), receive_options)
    raise XlExit(xlmigrate.migrate(state, dom, rune))


def xl_migrate_receive(args, verbosity):
    """xl migrate-receive: the receiver side, run by the sender through ssh (xlmigrate.receive)."""
    from xensim import xlmigrate

    _, params = _options(args, "Fedrp", ["colo", "coloft-script=", "userspace-colo-proxy"])
    if params:
        sys.stderr.write("Usage: xl [-vf] migrate-receive  - for internal use only\n")
        raise XlExit(1)
    raise XlExit(xlmigrate.receive(hoststate.load()))


COMMANDS = {"list": xl_list, "info": xl_info, "destroy": xl_destroy, "create": xl_create, "save": xl_save,
            "restore": xl_restore}
MIGRATION_COMMANDS = {"migrate": xl_migrate, "migrate-receive": xl_migrate_receive}


def _no_privilege(state):
    if version_at_least(state, 4, 9):
        sys.stderr.write("xencall: error: Could not obtain handle on privileged command interface: "
                         "Permission denied\n"
                         "libxl: error: libxl.c:102:libxl_ctx_alloc: cannot open libxc handle: Permission denied\n")
    else:
        sys.stderr.write("xc: error: Could not obtain handle on privileged command interface "
                         "(13 = Permission denied): Internal error\n"
                         "libxl: error: libxl.c:99:libxl_ctx_alloc: cannot open libxc handle: Permission denied\n")
    sys.stderr.write("cannot init xl context\n")


def main(args):
    verbosity = 0
    while args and args[0].startswith("-") and args[0] not in ("-h", "--help"):
        if not args[0].startswith("--"):
            verbosity += args[0].count("v")
        args = args[1:]
    if not args or args[0] in ("-h", "--help", "help"):
        sys.stdout.write("Usage xl [-vfNtT] <subcommand> [args]\n\nxl full list of subcommands:\n\n"
                         " list                List information about all/some domains\n"
                         " info                Get information about Xen host\n"
                         " create              Create a domain from config file <filename>\n"
                         " destroy             Terminate a domain immediately\n"
                         " save                Save a domain state to restore later\n"
                         " restore             Restore a domain from a saved state\n"
                         " migrate             Migrate a domain to another host\n")
        return 0 if args else 1
    if paths.unprivileged():
        _no_privilege(hoststate.load())
        return 1
    command = COMMANDS.get(args[0])
    if args[0] == "resume" and version_at_least(hoststate.load(), 4, 18):
        command = xl_resume
    migration = MIGRATION_COMMANDS.get(args[0])
    if command is None and migration is None:
        sys.stderr.write("command not implemented\n")
        return 1
    try:
        if command:
            command(args[1:])
        else:
            migration(args[1:], verbosity)
    except XlExit as e:
        return e.code
    return 0
