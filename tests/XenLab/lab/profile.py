"""Lab profiles: which hosts to build, with what storage, network and xend-config."""
import json
import os
import re

from lab.system import LabError
from xensim import state as hoststate

DEFAULT_XEND_CONFIG = "xend-config.xen-4.1.0-to-4.4.0.sxp"
UPLINK = "peth0"
HOSTNAME = re.compile(r"^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$")
IFNAME = re.compile(r"^[A-Za-z0-9_.-]{1,15}$")
SHARE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,30}$")
SPECIAL_TREES = ("/proc", "/sys", "/dev", "/run")


def reference_dir():
    """shared/reference beside the repository, found by walking up from this file."""
    start = os.path.dirname(os.path.abspath(__file__))
    here = start
    while True:
        candidate = os.path.join(here, "shared", "reference")
        if os.path.isdir(candidate):
            return candidate
        parent = os.path.dirname(here)
        if parent == here:
            raise LabError("shared/reference was not found in any parent directory of %s" % start)
        here = parent


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


def _xend_config(host, profile_dir, where):
    name = host.get("xend_config", DEFAULT_XEND_CONFIG)
    candidates = [os.path.join(profile_dir, name), os.path.join(reference_dir(), name)]
    for candidate in candidates:
        if os.path.isfile(candidate):
            with open(candidate, encoding="utf-8") as f:
                return edit_xend_config(f.read(), host.get("xend_config_set", {}))
    raise LabError("%s: xend_config '%s' is neither beside the profile nor in %s" % (where, name, reference_dir()))


def load(path):
    """The profile as {name, shares, hosts}; each host carries its simulator state."""
    try:
        with open(path, encoding="utf-8") as f:
            profile = json.load(f)
    except (OSError, ValueError) as e:
        raise LabError("cannot read profile %s: %s" % (path, e))
    profile_dir = os.path.dirname(os.path.abspath(path))
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
        for bridge in host.get("bridges", []):
            if not IFNAME.match(bridge) or bridge in (UPLINK, "lo"):
                raise LabError("%s: bridge name '%s' is not a usable interface name" % (where, bridge))
        for entry in host.get("storage", []):
            _storage_path(entry.get("path", ""), where)
            if "share" in entry and entry["share"] not in shares:
                raise LabError("%s: storage %s names share '%s', which the profile's shares do not define"
                               % (where, entry["path"], entry["share"]))
            _files(entry, where)
        try:
            host["state"] = hoststate.from_profile(host)
        except hoststate.ProfileError as e:
            raise LabError(str(e))
        host["xend_config_text"] = _xend_config(host, profile_dir, where) if "xm" in host["toolstacks"] else None
    return {"name": profile.get("name", ""), "shares": shares, "hosts": hosts}
