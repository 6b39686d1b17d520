"""Lab profiles: which hosts to build, with what storage, network and xend-config."""
import json
import os
import re

from lab.system import LabError
from xensim import state as hoststate

DEFAULT_XEND_CONFIG = "xend-config.xen-4.1.0-to-4.4.0.sxp"
UPLINK = "peth0"
MIGRATION_LINK = "peth1"
HOSTNAME = re.compile(r"^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$")
IFNAME = re.compile(r"^[A-Za-z0-9_.-]{1,15}$")
SHARE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,30}$")
SPECIAL_TREES = ("/proc", "/sys", "/dev", "/run")
NAMED_LISTS = ("hosts", "domains")

RATE = re.compile(r"^(\d+(?:\.\d+)?)(bit|kbit|mbit|gbit|tbit|bps|kbps|mbps|gbps|tbps)$")
RATE_UNITS = {"bit": 1, "kbit": 1e3, "mbit": 1e6, "gbit": 1e9, "tbit": 1e12,
              "bps": 8, "kbps": 8e3, "mbps": 8e6, "gbps": 8e9, "tbps": 8e12}
NO_RATE = "none"
DELAY = re.compile(r"^(\d+(?:\.\d+)?)(us|ms|s)$")
DELAY_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0}
NO_DELAY = "none"


def reference_dir():
    """The captures of real Xen output, the contract the simulator prints to: the lab's own copy (reference/ beside
    xenlab.py, as the module ships it) or the repository's tests/reference."""
    lab_root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    for path in (os.path.join(lab_root, "reference"), os.path.join(lab_root, "..", "reference")):
        if os.path.isdir(path):
            return os.path.normpath(path)
    raise LabError("the captures folder is missing beside %s and in the repository's tests/reference: the lab runs from "
                   "a complete checkout of the repository or from the module's lab folder" % os.path.normpath(lab_root))


def _storage_path(path, where):
    if (not path.startswith("/") or ".." in path.split("/") or path.rstrip("/") != path or path == "/"
            or any(path == tree or path.startswith(tree + "/") for tree in SPECIAL_TREES)):
        raise LabError("%s: storage path '%s' must be absolute, without '..' or a trailing '/', and not under %s"
                       % (where, path, ", ".join(SPECIAL_TREES)))


def _files(entry, where):
    files = entry.get("files", {})
    for name, size in files.items():
        if "/" in name or name in (".", ".."):
            raise LabError("%s: file name '%s' must not contain '/'" % (where, name))
        if not isinstance(size, int) or size < 0:
            raise LabError("%s: size of '%s' must be a whole number of MB" % (where, name))
    return files


def edit_xend_config(text, settings):
    """Set keys in xend-config.sxp text: a value replaces the first active line
    of that key, the one xend reads (or is appended); None comments the active
    lines out."""
    lines = text.splitlines(keepends=True)
    for key, value in settings.items():
        active = [i for i, line in enumerate(lines) if re.match(r"^\(%s[\s)]" % re.escape(key), line)]
        if value is None:
            for i in active:
                lines[i] = "#" + lines[i]
        elif active:
            lines[active[0]] = "(%s %s)\n" % (key, value)
        else:
            lines.append("(%s %s)\n" % (key, value))
    return "".join(lines)


def _xend_config(host, where):
    """The host's xend-config.sxp text: its file (beside the profile that named it,
    made absolute by resolve, or in tests/reference) with xend_config_set applied."""
    name = host.get("xend_config", DEFAULT_XEND_CONFIG)
    candidate = os.path.join(reference_dir(), name)
    if os.path.isfile(candidate):
        with open(candidate, encoding="utf-8") as f:
            return edit_xend_config(f.read(), host.get("xend_config_set", {}))
    raise LabError("%s: xend_config '%s' is neither beside the profile nor in %s" % (where, name, reference_dir()))


def _read(path, extended_by):
    try:
        with open(path, encoding="utf-8") as f:
            profile = json.load(f)
    except (OSError, ValueError) as e:
        raise LabError("cannot read profile %s%s: %s"
                       % (path, " (extended by %s)" % extended_by if extended_by else "", e))
    hosts = profile.get("hosts", []) if isinstance(profile, dict) else None
    if not isinstance(hosts, list) or not all(isinstance(host, dict) for host in hosts):
        raise LabError("profile %s must be a JSON object whose hosts are a list of objects" % path)
    return profile


def _beside(profile, path):
    """Hosts' xend_config files found beside this profile file, made absolute so
    that a profile extending this one in another folder finds them too."""
    folder = os.path.dirname(os.path.abspath(path))
    for host in profile.get("hosts", []):
        name = host.get("xend_config")
        if isinstance(name, str) and os.path.isfile(os.path.join(folder, name)):
            host["xend_config"] = os.path.join(folder, name)
    return profile


def _merge_named(base, changes, where):
    """Entries of `changes` merged into the entry of `base` with the same name;
    `"remove": true` drops it, a new name is appended."""
    merged = list(base)
    for change in changes:
        if not isinstance(change, dict) or not isinstance(change.get("name"), str):
            raise LabError("%s: every entry needs a name to be merged into the base profile" % where)
        index = next((i for i, entry in enumerate(merged) if entry.get("name") == change["name"]), None)
        if change.get("remove") is True:
            if index is None:
                raise LabError("%s: '%s' is to be removed, but the base profile has none of that name"
                               % (where, change["name"]))
            del merged[index]
            continue
        change = {k: v for k, v in change.items() if k != "remove"}
        if index is None:
            merged.append(change)
        else:
            merged[index] = _merge(merged[index], change, "%s '%s'" % (where, change["name"]))
    return merged


def _merge(base, changes, where):
    """Deep merge: objects merge key by key, `hosts` and `domains` by name, any other value replaces."""
    merged = dict(base)
    for key, value in changes.items():
        old = merged.get(key)
        if key in NAMED_LISTS and isinstance(old, list) and isinstance(value, list):
            merged[key] = _merge_named(old, value, "%s %s" % (where, key))
        elif isinstance(old, dict) and isinstance(value, dict):
            merged[key] = _merge(old, value, "%s %s" % (where, key))
        else:
            merged[key] = value
    return merged


def resolve(path, extended_by=None, seen=()):
    """The profile at `path` with its `extends` chain applied: the profile it names
    (relative to this file's folder) is read first and this one merged into it."""
    path = os.path.abspath(path)
    if path in seen:
        raise LabError("profile %s extends itself through %s" % (path, " -> ".join(seen)))
    profile = _beside(_read(path, extended_by), path)
    base_name = profile.pop("extends", None)
    if base_name is None:
        return profile
    if not isinstance(base_name, str) or not base_name:
        raise LabError("profile %s: extends must name a profile file" % path)
    base = resolve(os.path.join(os.path.dirname(path), base_name), path, seen + (path,))
    return _merge(base, profile, "profile %s:" % os.path.basename(path))


def check_rate(rate):
    """A link rate in tc's notation (1gbit, 100mbit, 12.5mbps) or 'none'; raises LabError otherwise."""
    if rate != NO_RATE and not RATE.match(str(rate)):
        raise LabError("link rate '%s' is not a tc rate such as 1gbit, 100mbit or 10mbps, nor 'none'" % rate)
    return rate


def check_delay(delay, topology):
    """A link delay each way (20ms, 500us, 0.1s) or 'none'; it is the forwarders' (see lab/forward.py), so it needs
    topology client 'forwarded'. Raises LabError otherwise."""
    if delay == NO_DELAY:
        return delay
    if not DELAY.match(str(delay)):
        raise LabError("link delay '%s' is not a delay such as 20ms, 500us or 0.1s, nor 'none'" % delay)
    if topology["client"] != "forwarded":
        raise LabError("link_delay '%s' is added by the forwarders of topology client 'forwarded', but client is '%s'"
                       % (delay, topology["client"]))
    return delay


def delay_seconds(delay):
    """A checked link delay in seconds; 0 for 'none'."""
    if delay == NO_DELAY:
        return 0.0
    number, unit = DELAY.match(delay).groups()
    return float(number) * DELAY_UNITS[unit]


CLIENT_MODES = ("direct", "forwarded", "bastion")
DEFAULT_BASTION = "bastion"
TOPOLOGY_KEYS = ("client", "migration_network", "bastion")


def check_topology(topology, names):
    """The profile's `topology` with its defaults: how the machine reaches the hosts (client: direct,
    forwarded through a local TCP forwarder per host, or through a bastion host) and whether the dom0s
    talk to each other over a migration network of their own; raises LabError for anything else."""
    if topology is None:
        topology = {}
    if not isinstance(topology, dict):
        raise LabError("topology must be an object such as {\"client\": \"forwarded\", \"migration_network\": true}")
    unknown = sorted(set(topology) - set(TOPOLOGY_KEYS))
    if unknown:
        raise LabError("topology: unknown key%s %s (known: %s)" % ("s" if len(unknown) > 1 else "",
                       ", ".join(unknown), ", ".join(TOPOLOGY_KEYS)))
    client = topology.get("client", "direct")
    if client not in CLIENT_MODES:
        raise LabError("topology: client '%s' is none of %s" % (client, ", ".join(CLIENT_MODES)))
    migration = topology.get("migration_network", False)
    if not isinstance(migration, bool):
        raise LabError("topology: migration_network must be true or false, not %s" % json.dumps(migration))
    bastion = topology.get("bastion")
    if bastion is not None and client != "bastion":
        raise LabError("topology: bastion names the bastion host of client 'bastion', but client is '%s'" % client)
    if client == "bastion":
        bastion = DEFAULT_BASTION if bastion is None else bastion
        if not isinstance(bastion, str) or not HOSTNAME.match(bastion):
            raise LabError("topology: bastion '%s' is not a host name (lower-case letters, digits and '-')"
                           % bastion)
        if bastion in names:
            raise LabError("topology: bastion '%s' has the name of a host of the profile; name it otherwise"
                           % bastion)
    return {"client": client, "migration_network": migration, "bastion": bastion}


def _root_ssh_to(host, names, where):
    targets = host.get("root_ssh_to", [])
    if not isinstance(targets, list) or any(t not in names or t == host["name"] for t in targets):
        raise LabError("%s: root_ssh_to must list other hosts of the profile (hosts: %s)"
                       % (where, ", ".join(sorted(names))))


def _ssh_ports(host, where):
    ports = host.get("ssh_ports", [])
    if not isinstance(ports, list) or any(type(p) is not int or not 0 < p < 65536 or p == 22 for p in ports) \
            or len(set(ports)) != len(ports):
        raise LabError("%s: ssh_ports must list distinct TCP ports other than 22, on which sshd listens as well" % where)


def load(path):
    """The profile (its extends chain applied) as {name, shares, hosts}; each host
    carries its simulator state."""
    profile = resolve(path)
    shares = profile.get("shares", {})
    for share, entry in shares.items():
        if not SHARE.match(share):
            raise LabError("share name '%s' must be lower-case letters, digits, '-' or '_'" % share)
        _files(entry, "share '%s'" % share)
    hosts = profile.get("hosts", [])
    if not hosts:
        raise LabError("profile %s has no hosts" % path)
    names = set()
    for host in hosts:
        name = host.get("name", "")
        where = "host '%s'" % name
        if not HOSTNAME.match(name):
            raise LabError("%s: a host name is lower-case letters, digits and '-' (at most 32)" % where)
        if name in names:
            raise LabError("two hosts are named '%s'" % name)
        names.add(name)
    for host in hosts:
        where = "host '%s'" % host["name"]
        for bridge in host.get("bridges", []):
            if not IFNAME.match(bridge) or bridge in (UPLINK, MIGRATION_LINK, "lo"):
                raise LabError("%s: bridge name '%s' is not a usable interface name" % (where, bridge))
        for entry in host.get("storage", []):
            _storage_path(entry.get("path", ""), where)
            if "share" in entry and entry["share"] not in shares:
                raise LabError("%s: storage %s names share '%s', which the profile's shares do not define"
                               % (where, entry["path"], entry["share"]))
            _files(entry, where)
        _root_ssh_to(host, names, where)
        _ssh_ports(host, where)
        try:
            host["state"] = hoststate.from_profile(host)
        except hoststate.ProfileError as e:
            raise LabError(str(e))
        host["xend_config_text"] = _xend_config(host, where) if "xm" in host["toolstacks"] else None
    topology = check_topology(profile.get("topology"), names)
    return {"name": profile.get("name", ""), "shares": shares, "hosts": hosts,
            "link_rate": check_rate(profile.get("link_rate", NO_RATE)),
            "link_delay": check_delay(profile.get("link_delay", NO_DELAY), topology),
            "topology": topology}
