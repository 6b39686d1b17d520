"""A simulated host's state: built from a lab profile entry, kept in state.json.

The state holds the host facts (Xen version, memory, CPU, info overrides)
and the domains. Every field has a default, so a profile only names what
matters to it; see tests/XenLab/README.md for the profile schema.
"""
import fcntl
import json
import os
import re
import time

from xensim import infokeys, paths

# hashlib and uuid are imported where the profile's ids are made, not here: every call of a simulated tool loads this
# module, and a listing needs neither (hashlib's OpenSSL backend alone costs milliseconds at each start).

DOM0 = "Domain-0"
UNLIMITED_MAXMEM = 16777215

DEFAULT_CPU = {
    "vendor": "AuthenticAMD",
    "family": 16,
    "model": 4,
    "stepping": 2,
    "model_name": "AMD Phenom(tm) II X4 945 Processor",
    "mhz": 3000.0,
    "cache_kb": 512,
    "cores_per_socket": 4,
    "threads_per_core": 1,
    "sockets": 1,
    "cpuid_level": 5,
    "address_sizes": "48 bits physical, 48 bits virtual",
    "flags": "fpu de tsc msr pae mce cx8 apic sep mca cmov pat clflush mmx fxsr sse sse2 ht syscall nx "
             "mmxext fxsr_opt lm 3dnowext 3dnow constant_tsc rep_good nonstop_tsc extd_apicid pni cx16 "
             "popcnt hypervisor lahf_lm cmp_legacy extapic cr8_legacy abm sse4a misalignsse "
             "3dnowprefetch ibs skinit wdt",
    "hw_caps": "178bfbff:efd3fbff:00000000:00001310:00802001:00000000:000037ff:00000000",
}

PV_NOTES = [
    ["HV_START_LOW", 18446603336221196288],
    ["FEATURES", "!writable_page_tables|pae_pgdir_above_4gb"],
    ["VIRT_BASE", 18446744071562067968],
    ["GUEST_VERSION", "2.6"],
    ["PADDR_OFFSET", 0],
    ["GUEST_OS", "linux"],
    ["HYPERCALL_PAGE", 18446744071578849280],
    ["LOADER", "generic"],
    ["SUSPEND_CANCEL", 1],
    ["PAE_MODE", "yes"],
    ["ENTRY", 18446744071592116736],
    ["XEN_VERSION", "xen-3.0"],
]


class ProfileError(ValueError):
    """A profile entry that cannot describe a host; the message says what to fix."""


def load():
    with open(paths.path(paths.STATE_FILE), encoding="utf-8") as f:
        return json.load(f)


def save(state, root=None):
    """Write state.json under root (default: the simulator's root)."""
    target = paths.path(paths.STATE_FILE, root)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    temporary = target + ".tmp"
    with open(temporary, "w", encoding="utf-8") as f:
        json.dump(state, f, indent=2)
        f.write("\n")
    os.replace(temporary, target)


class updating:
    """`with updating() as state:` the state, loaded under an exclusive lock (state.json.lock) so that concurrent
    changes on one host do not overwrite each other; saved when the block ends without an exception. A class rather
    than contextlib.contextmanager, whose import a listing would pay for at every start."""

    def __enter__(self):
        self._lock = open(paths.path(paths.STATE_FILE) + ".lock", "a")
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX)
            self._state = load()
        except BaseException:
            self._lock.close()
            raise
        return self._state

    def __exit__(self, kind, value, traceback):
        try:
            if kind is None:
                save(self._state)
        finally:
            self._lock.close()


def version_at_least(state, major, minor):
    xen = state["xen"]
    return (xen["major"], xen["minor"]) >= (major, minor)


def stable_hex(*parts):
    import hashlib

    return hashlib.sha256("/".join(str(p) for p in parts).encode()).hexdigest()


def stable_uuid(*parts):
    import uuid

    return str(uuid.UUID(stable_hex(*parts)[:32]))


def stable_mac(*parts):
    h = stable_hex(*parts)
    return "00:16:3e:%s:%s:%s" % (h[0:2], h[2:4], h[4:6])


def _require(entry, key, where):
    if key not in entry:
        raise ProfileError("%s: '%s' is missing" % (where, key))
    return entry[key]


def _parse_pairs(text, where):
    pairs = {}
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        if "=" not in item:
            raise ProfileError("%s: '%s' is not key=value" % (where, item))
        key, value = item.split("=", 1)
        pairs[key.strip()] = value.strip()
    return pairs


def _disk(spec, where):
    if isinstance(spec, str):
        parts = [p.strip() for p in spec.split(",")]
        if len(parts) != 3:
            raise ProfileError("%s: disk '%s' is not 'uname,dev,mode'" % (where, spec))
        spec = {"uname": parts[0], "dev": parts[1], "mode": parts[2]}
    disk = dict(spec)
    _require(disk, "dev", where)
    disk.setdefault("uname", "")
    disk.setdefault("mode", "w")
    if disk["mode"] not in ("r", "w"):
        raise ProfileError("%s: disk mode must be r or w, not '%s'" % (where, disk["mode"]))
    if disk["uname"] and not re.match(r"^(file|phy|tap:aio|tap:qcow2|tap2:aio):.", disk["uname"]):
        raise ProfileError("%s: disk uname '%s' must start with file:, phy: or tap:aio:" % (where, disk["uname"]))
    return disk


def _vif(spec, where):
    vif = _parse_pairs(spec, where) if isinstance(spec, str) else dict(spec)
    _require(vif, "bridge", where)
    return vif


def _state_string(text, where):
    if not re.match(r"^[r-][b-][p-][s-][c-][d-]$", text):
        raise ProfileError("%s: state '%s' is not 6 flags like 'r-----' or '-b----'" % (where, text))
    return text


def _domain(entry, host, index, created):
    where = "host '%s' domain %d" % (host["name"], index)
    name = _require(entry, "name", where)
    where = "host '%s' domain '%s'" % (host["name"], name)
    is_dom0 = name == DOM0
    dom = dict(entry)
    dom["domid"] = 0 if is_dom0 else _require(entry, "domid", where)
    dom["type"] = entry.get("type", "pv")
    if dom["type"] not in ("pv", "hvm"):
        raise ProfileError("%s: type must be pv or hvm" % where)
    if is_dom0 and dom["type"] != "pv":
        raise ProfileError("%s: Domain-0 is always pv" % where)
    dom["memory"] = int(_require(entry, "memory", where))
    dom.setdefault("maxmem", UNLIMITED_MAXMEM if is_dom0 else dom["memory"])
    dom.setdefault("vcpus", host["nr_cpus"] if is_dom0 else 1)
    dom.setdefault("online_vcpus", dom["vcpus"])
    dom["state"] = _state_string(entry.get("state", "r-----" if is_dom0 else "-b----"), where)
    dom.setdefault("cpu_time", 0.0)
    if not is_dom0:
        dom.setdefault("start_time", round(created - 3600 - 60 * index, 2))
    dom.setdefault("uuid", "00000000-0000-0000-0000-000000000000" if is_dom0
                   else stable_uuid(host["name"], name))
    dom.setdefault("cpu_weight", 256)
    dom.setdefault("cpu_cap", 0)
    dom.setdefault("on_poweroff", "destroy")
    dom.setdefault("on_reboot", "restart")
    dom.setdefault("on_crash", "restart")
    dom.setdefault("bootloader", "")
    dom.setdefault("bootloader_args", "")
    dom.setdefault("shadow_memory", 0 if dom["type"] == "pv" else dom["vcpus"] + dom["memory"] // 128)
    if is_dom0:
        dom.setdefault("cpus", [list(range(host["nr_cpus"])) for _ in range(dom["vcpus"])])
        dom.setdefault("kernel", "")
    else:
        dom.setdefault("description", "")
        dom.setdefault("cpus", [[] for _ in range(dom["vcpus"])])
        if dom["type"] == "pv":
            dom.setdefault("kernel", "/boot/vmlinuz-2.6.32-5-xen-amd64")
            dom.setdefault("args", "root=/dev/xvda1 ro")
            dom.setdefault("ramdisk", "")
            dom.setdefault("notes", PV_NOTES)
        else:
            dom.setdefault("notes", [["SUSPEND_CANCEL", 1]])
        dom.setdefault("store_mfn", 8000000 + 4096 * dom["domid"] + 1)
        dom.setdefault("console_mfn", 8000000 + 4096 * dom["domid"] + 2)
        dom["disks"] = [_disk(d, where) for d in entry.get("disks", [])]
        dom["vifs"] = [_vif(v, where) for v in entry.get("vifs", [])]
        for i, vif in enumerate(dom["vifs"]):
            vif.setdefault("mac", stable_mac(host["name"], name, i))
        if "service" in dom and (not isinstance(dom["service"], int) or not 1 <= dom["service"] <= 65535):
            raise ProfileError("%s: service must be a TCP port (1 to 65535)" % where)
        dom.setdefault("pci", [])
        for spec in dom["pci"]:
            if not re.match(r"^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$", spec):
                raise ProfileError("%s: pci '%s' is not DDDD:BB:SS.F" % (where, spec))
    return dom


def _validate_domains(domains, host_name):
    names, ids = set(), set()
    for dom in domains:
        if dom["name"] in names:
            raise ProfileError("host '%s': two domains are named '%s'" % (host_name, dom["name"]))
        if dom["domid"] in ids:
            raise ProfileError("host '%s': two domains have domid %d" % (host_name, dom["domid"]))
        names.add(dom["name"])
        ids.add(dom["domid"])


def from_profile(entry, created=None):
    """Build a host state from one host entry of a lab profile."""
    created = time.time() if created is None else created
    where = "host '%s'" % entry.get("name", "?")
    name = _require(entry, "name", "host")
    toolstacks = _require(entry, "toolstacks", where)
    if not toolstacks or any(t not in ("xm", "xl") for t in toolstacks):
        raise ProfileError("%s: toolstacks must be a non-empty list of 'xm' and 'xl'" % where)
    xen = dict(_require(entry, "xen", where))
    for key in ("major", "minor", "extra"):
        _require(xen, key, where + " xen")
    if "xl" in toolstacks and (xen["major"], xen["minor"]) < (4, 2):
        raise ProfileError("%s: xl is simulated from Xen 4.2 on (xl 4.1 printed SXP)" % where)
    if "xm" in toolstacks and (xen["major"], xen["minor"]) >= (4, 5):
        raise ProfileError("%s: xm/xend were removed in Xen 4.5; use xl" % where)
    cpu = dict(DEFAULT_CPU)
    cpu.update(entry.get("cpu", {}))
    nr_cpus = entry.get("nr_cpus", cpu["sockets"] * cpu["cores_per_socket"] * cpu["threads_per_core"])
    total = int(_require(entry, "total_memory_mb", where))
    host = {
        "name": name,
        "toolstacks": list(toolstacks),
        "xen": xen,
        "scheduler": entry.get("scheduler", "credit2" if (xen["major"], xen["minor"]) >= (4, 12) else "credit"),
        "total_memory_mb": total,
        "nr_cpus": nr_cpus,
        "nr_nodes": entry.get("nr_nodes", 1),
        "cpu": cpu,
        "bridges": list(entry.get("bridges", [])),
        "info": dict(entry.get("info", {})),
    }
    domains = list(entry.get("domains", []))
    if not any(d.get("name") == DOM0 for d in domains):
        domains.insert(0, {"name": DOM0, "memory": min(1024, total // 2)})
    unknown = infokeys.unknown(host["info"], toolstacks)
    if unknown:
        raise ProfileError("%s: info keys %s are not printed by %s info"
                           % (where, ", ".join(unknown), " or ".join(toolstacks)))
    host["domains"] = [_domain(d, host, i, created) for i, d in enumerate(domains)]
    _validate_domains(host["domains"], name)
    halted = [d["name"] for d in halted_domains(entry, host, created)]
    if len(set(halted)) != len(halted):
        raise ProfileError("%s: two halted guests have one name" % where)
    host["free_memory_mb"] = None if entry.get("free_memory_mb") is None else int(entry["free_memory_mb"])
    used = sum(d["memory"] for d in host["domains"])
    if used > total:
        raise ProfileError("%s: the domains use %d MB, more than total_memory_mb %d" % (where, used, total))
    if free_memory_mb(host) < 0:
        raise ProfileError("%s: free_memory_mb must not be negative" % where)
    return host


def halted_domains(entry, host, created=None):
    """The halted guests of a host's profile entry (key `halted`, entries like `domains` without a domid or state):
    each exists only as its config file /etc/xen/NAME.cfg, which `xl create` and `xm create` start."""
    created = time.time() if created is None else created
    return [config_domain(d, host, created, i) for i, d in enumerate(entry.get("halted", []))]


def config_domain(entry, host, created, index=0):
    """A domain of a config file (profile schema, no domid yet), with the defaults of a profile's domain."""
    return _domain(dict(entry, domid=-1), host, index, created)


def free_memory_mb(state):
    """What the hypervisor has free: the profile's free_memory_mb when it sets one,
    else the total minus every domain's memory (Domain-0 included), as it is now."""
    if state["free_memory_mb"] is not None:
        return state["free_memory_mb"]
    return state["total_memory_mb"] - sum(d["memory"] for d in state["domains"])


def find_domain(state, name):
    """The domain named name; None when there is none."""
    for dom in state["domains"]:
        if dom["name"] == name:
            return dom
    return None


def domain_with_id(state, domid):
    """The domain whose domid is domid; None when there is none."""
    for dom in state["domains"]:
        if dom["domid"] == domid:
            return dom
    return None

