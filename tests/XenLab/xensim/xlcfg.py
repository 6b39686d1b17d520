"""xl domain configuration files (xl.cfg(5), parsed by libxlu): a halted guest of a lab profile written as one,
and a file read back into a domain entry of the profile's schema for `xl create`.

The reader takes `KEY = VALUE` lines, VALUE a quoted string, a number or a list of strings, `#` comments; disks
in the positional forms `TARGET,FORMAT,VDEV,ACCESS` and `[file:|phy:]TARGET,VDEV,ACCESS` or as `key=value` items;
interfaces as `key=value` items, without a bridge on xenbr0 (libxl's default).
"""
import ast
import re

LINE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*;?\s*$")


class ConfigError(ValueError):
    """A file xl cannot parse; the message is libxlu's."""


def render(dom):
    """The xl config file of a (normalised) profile domain entry."""
    lines = ['name = "%s"' % dom["name"], 'uuid = "%s"' % dom["uuid"], 'type = "%s"' % dom["type"]]
    if dom["type"] == "pv":
        lines.append('kernel = "%s"' % dom["kernel"])
        if dom.get("args"):
            lines.append('extra = "%s"' % dom["args"])
    lines += ["memory = %d" % dom["memory"], "maxmem = %d" % dom["maxmem"], "vcpus = %d" % dom["vcpus"]]
    if dom["disks"]:
        lines.append("disk = [ %s ]" % ", ".join("'%s,%s,%s'" % (d["uname"], d["dev"], d["mode"]) for d in dom["disks"]))
    if dom["vifs"]:
        lines.append("vif = [ %s ]" % ", ".join(
            "'%s'" % ",".join("%s=%s" % (k, v) for k, v in sorted(vif.items())) for vif in dom["vifs"]))
    return "\n".join(lines) + "\n"


def _strip_comment(line):
    quote = None
    for i, c in enumerate(line):
        if quote:
            quote = None if c == quote else quote
        elif c in "'\"":
            quote = c
        elif c == "#":
            return line[:i]
    return line


def parse(text, path):
    """The settings of a config file: {key: str | int | [str]}."""
    settings = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = _strip_comment(raw).strip()
        if not line:
            continue
        match = LINE.match(line)
        try:
            value = ast.literal_eval(match.group(2)) if match else None
        except (ValueError, SyntaxError):
            value = None
        if value is None or not isinstance(value, (str, int, list)):
            raise ConfigError("%s:%d: config parsing error near `%s': syntax error" % (path, number, line.split()[0]))
        settings[match.group(1)] = value
    return settings


def _disk(spec):
    items = [item.strip() for item in spec.split(",")]
    if any("=" in item for item in items):
        pairs = dict(item.split("=", 1) for item in items if "=" in item)
        target, vdev, access = pairs.get("target", ""), pairs.get("vdev", ""), pairs.get("access", "rw")
    elif len(items) == 4:
        target, _, vdev, access = items
    elif len(items) == 3:
        target, vdev, access = items
    else:
        raise ConfigError("xl: unable to parse disk spec '%s'" % spec)
    if ":" not in target.split("/")[0]:
        target = ("phy:" if target.startswith("/dev/") else "file:") + target
    return {"uname": target, "dev": vdev, "mode": "r" if access in ("r", "ro") else "w"}


def _vif(spec):
    vif = dict(item.strip().split("=", 1) for item in spec.split(",") if "=" in item)
    vif.setdefault("bridge", "xenbr0")
    return vif


def domain_entry(settings):
    """A domain entry of the profile schema (hoststate normalises it) from a config file's settings."""
    builder = settings.get("type", "hvm" if settings.get("builder") == "hvm" else "pv")
    entry = {"name": settings.get("name", ""), "type": builder, "memory": int(settings.get("memory", 128)),
             "vcpus": int(settings.get("vcpus", 1)),
             "disks": [_disk(d) for d in settings.get("disk", [])], "vifs": [_vif(v) for v in settings.get("vif", [])]}
    entry["maxmem"] = int(settings.get("maxmem", entry["memory"]))
    for key, field in (("uuid", "uuid"), ("kernel", "kernel"), ("extra", "args"), ("ramdisk", "ramdisk")):
        if key in settings:
            entry[field] = settings[key]
    if "pci" in settings:
        entry["pci"] = list(settings["pci"])
    return entry
