#!/usr/bin/python3
"""XenLab: simulated Xen dom0 hosts with real sshd in Linux namespaces.

  xenlab.py start  --profile PROFILE.json --dir LABDIR [--name LABNAME]
  xenlab.py stop   --dir LABDIR
  xenlab.py status --dir LABDIR
  xenlab.py exec   --dir LABDIR HOST -- CMD...
  xenlab.py rekey  --dir LABDIR HOST
  xenlab.py shape  --dir LABDIR --rate RATE
  xenlab.py check  --profile PROFILE.json [--json]

See README.md beside this file.
"""
import argparse
import json
import os
import re
import shutil
import signal
import sys
import time

sys.dont_write_bytecode = True

from lab import access, host as labhost, network, profile as labprofile  # noqa: E402
from lab.system import LabError, ensure_prerequisites, run  # noqa: E402
from xensim import state as hoststate  # noqa: E402
from xensim.xend import alive  # noqa: E402

LAB_NAME = re.compile(r"^[a-z][a-z0-9-]{0,30}$")
LAB_FILE = "lab.json"
GENERATED = ["ssh_config", "known_hosts", "hosts", "shares"] + [
    name + suffix for name in access.CLIENT_KEYS for suffix in ("", ".pub")]
XEND_STATUS = {0: "running", 3: "stopped"}
STOP_GRACE = 2.0
REKEY_TIMEOUT = 10.0


def _lab_file(labdir):
    return os.path.join(labdir, LAB_FILE)


def read_lab(labdir):
    try:
        with open(_lab_file(labdir), encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        raise LabError("no lab in %s (%s is missing); start one with xenlab.py start" % (labdir, LAB_FILE))


def write_lab(labdir, lab):
    temporary = _lab_file(labdir) + ".tmp"
    with open(temporary, "w", encoding="utf-8") as f:
        json.dump(lab, f, indent=2)
        f.write("\n")
    os.chmod(temporary, 0o600)
    os.replace(temporary, _lab_file(labdir))


def _find_host(lab, name):
    for entry in lab["hosts"]:
        if entry["name"] == name:
            return entry
    raise LabError("lab %s has no host '%s' (hosts: %s)" % (lab["name"], name,
                                                           ", ".join(h["name"] for h in lab["hosts"])))


def _new_lab(labdir, name, profile_path, loaded):
    hosts = []
    for index, entry in enumerate(loaded["hosts"]):
        hosts.append({
            "name": entry["name"],
            "address": network.host_address(name, index),
            "netns": network.netns_name(name, entry["name"]),
            "veth": network.veth_name(name, entry["name"]),
            "toolstacks": entry["toolstacks"],
            "xen_version": "%(major)d.%(minor)d%(extra)s" % entry["xen"],
            "bridges": entry.get("bridges", []),
            "storage": entry.get("storage", []),
            "xend_running": bool(entry.get("xend_running", True)) and "xm" in entry["toolstacks"],
            "sshd_pid": None,
            "root": labhost.upper_dir(labdir, entry["name"]),
            "log": labhost.log_file(labdir, entry["name"]),
            "host_key": None,
            "host_key_fingerprint": None,
            "users": ["root", "xenadmin", "xenpass"],
        })
    return {
        "name": name,
        "status": "starting",
        "dir": labdir,
        "profile": os.path.abspath(profile_path),
        "bridge": network.bridge_name(name),
        "subnet": str(network.subnet(name)),
        "gateway": network.gateway(name),
        "ssh_config": os.path.join(labdir, "ssh_config"),
        "known_hosts": os.path.join(labdir, "known_hosts"),
        "keys": {key: os.path.join(labdir, key) for key in access.CLIENT_KEYS},
        "key_passphrase": None,
        "users": access.new_users(),
        "link_rate": loaded["link_rate"],
        "hosts": hosts,
    }


def _build(labdir, lab, loaded):
    host_keys, root_keys = {}, {}
    for entry, spec in zip(lab["hosts"], loaded["hosts"]):
        host_keys[entry["name"]] = os.path.join(entry["root"], "etc", "ssh", "ssh_host_ed25519_key")
        if spec.get("root_ssh_to"):
            root_keys[entry["name"]] = labhost.root_key(labdir, entry["name"])
    for path in list(host_keys.values()) + list(root_keys.values()):
        os.makedirs(os.path.dirname(path), exist_ok=True)
    own_keys = {path: name for keys in (host_keys, root_keys) for name, path in keys.items()}
    lab["key_passphrase"] = access.create_keys(labdir, own_keys)
    for entry in lab["hosts"]:
        entry["host_key"], entry["host_key_fingerprint"] = access.host_key(host_keys[entry["name"]])
    access.assign_ids(lab["users"])
    accounts = access.account_files(lab["users"])
    keys = access.authorized_keys(labdir)
    labhost.create_shares(labdir, loaded["shares"])
    for entry, spec in zip(lab["hosts"], loaded["hosts"]):
        labhost.prepare(labdir, dict(spec, address=entry["address"]), lab["hosts"], lab["users"], accounts, keys,
                        access.trusted_root_keys(entry["name"], loaded["hosts"], root_keys))
    write_lab(labdir, lab)
    network.create_bridge(lab["name"])
    for entry in lab["hosts"]:
        network.create_host(lab["name"], entry["name"], entry["address"], entry["bridges"])
        network.shape_host(lab["name"], entry["name"], lab["link_rate"])
    processes = [(entry, labhost.launch(labdir, lab["name"], entry["name"])) for entry in lab["hosts"]]
    for entry, process in processes:
        entry["sshd_pid"] = process.pid
    write_lab(labdir, lab)
    for entry, process in processes:
        labhost.wait_ready(labdir, entry["name"], entry["address"], process)
    with open(os.path.join(labdir, "known_hosts"), "w") as f:
        f.write(access.known_hosts(lab["hosts"]))
    with open(os.path.join(labdir, "ssh_config"), "w") as f:
        f.write(access.ssh_config(labdir, lab["hosts"]))
    lab["status"] = "running"
    write_lab(labdir, lab)


def start(options):
    name = options.name
    if not LAB_NAME.match(name):
        raise LabError("lab name '%s' must be lower-case letters, digits and '-' (at most 31), "
                       "starting with a letter" % name)
    ensure_prerequisites()
    labdir = os.path.abspath(options.dir)
    if os.path.exists(_lab_file(labdir)):
        raise LabError("%s already holds a lab; stop it first: xenlab.py stop --dir %s" % (labdir, labdir))
    if os.path.isdir(labdir) and os.listdir(labdir):
        raise LabError("%s is not empty; give start a new or empty directory" % labdir)
    if os.path.exists("/sys/class/net/" + network.bridge_name(name)):
        raise LabError("a lab named '%s' is already running (bridge %s exists); stop it or use another --name"
                       % (name, network.bridge_name(name)))
    loaded = labprofile.load(options.profile)
    os.makedirs(labdir, exist_ok=True)
    started = time.monotonic()
    lab = _new_lab(labdir, name, options.profile, loaded)
    write_lab(labdir, lab)
    try:
        _build(labdir, lab, loaded)
    except BaseException:
        teardown(labdir)
        raise
    print("XenLab '%s' is running: bridge %s, %s, %d hosts started in %.1f s"
          % (name, lab["bridge"], lab["subnet"], len(lab["hosts"]), time.monotonic() - started))
    for entry in lab["hosts"]:
        print("  %-12s %-15s %-6s Xen %s" % (entry["name"], entry["address"], "+".join(entry["toolstacks"]),
                                            entry["xen_version"]))
    first = lab["hosts"][0]
    print("Reach it with: ssh -F %s %s %s list" % (lab["ssh_config"], first["name"], first["toolstacks"][0]))
    print("Details in %s; stop it with: %s stop --dir %s" % (_lab_file(labdir), sys.argv[0], labdir))
    return 0


def _kill_host_processes(entry):
    pids = set(network.namespace_pids(entry["netns"]))
    if alive(entry.get("sshd_pid")):
        pids.add(entry["sshd_pid"])
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + STOP_GRACE
        while time.monotonic() < deadline and any(alive(p) for p in pids):
            time.sleep(0.02)
        pids = {p for p in pids if alive(p)}
        if not pids:
            return


def teardown(labdir):
    """Remove everything a (possibly partial) start made, as recorded in lab.json."""
    lab = read_lab(labdir)
    for entry in lab["hosts"]:
        _kill_host_processes(entry)
        network.delete_namespace(entry["netns"])
    network.delete_bridge(lab["name"])
    for entry in lab["hosts"]:
        labhost.remove_files(labdir, entry["name"])
    for name in GENERATED:
        path = os.path.join(labdir, name)
        if os.path.isdir(path):
            shutil.rmtree(path)
        elif os.path.exists(path):
            os.remove(path)
    os.remove(_lab_file(labdir))
    if not os.listdir(labdir):
        os.rmdir(labdir)


def stop(options):
    labdir = os.path.abspath(options.dir)
    if not os.path.exists(_lab_file(labdir)):
        print("No lab in %s; nothing to stop." % labdir)
        return 0
    name = read_lab(labdir)["name"]
    teardown(labdir)
    print("XenLab '%s' stopped; its processes, namespaces, bridge and files are gone." % name)
    return 0


def status(options):
    lab = read_lab(os.path.abspath(options.dir))
    healthy = lab["status"] == "running"
    print("XenLab '%s' (%s): bridge %s, %s" % (lab["name"], lab["status"], lab["bridge"], lab["subnet"]))
    for entry in lab["hosts"]:
        running = alive(entry["sshd_pid"])
        xend = ""
        if running and "xm" in entry["toolstacks"]:
            code = labhost.enter(entry["sshd_pid"], ["/usr/sbin/xend", "status"])
            xend = "  xend %s" % XEND_STATUS.get(code, "unknown (xend status exit %d)" % code)
        healthy = healthy and running
        print("  %-12s %-15s sshd %s%s" % (entry["name"], entry["address"],
                                          "pid %d" % entry["sshd_pid"] if running else "DOWN", xend))
    return 0 if healthy else 1


def _running_host(labdir, name):
    lab = read_lab(labdir)
    entry = _find_host(lab, name)
    if not alive(entry["sshd_pid"]):
        raise LabError("host %s is not running (sshd pid %s is gone); restart the lab" % (name, entry["sshd_pid"]))
    return lab, entry


def execute(options):
    command = options.command[1:] if options.command[:1] == ["--"] else options.command
    if not command:
        raise LabError("give a command after the host: xenlab.py exec --dir DIR HOST -- CMD...")
    _, entry = _running_host(os.path.abspath(options.dir), options.host)
    return labhost.enter(entry["sshd_pid"], command)


def rekey(options):
    labdir = os.path.abspath(options.dir)
    lab, entry = _running_host(labdir, options.host)
    key = "/etc/ssh/ssh_host_ed25519_key"
    script = "rm -f {0} {0}.pub && ssh-keygen -q -t ed25519 -N '' -C root@{1} -f {0}".format(key, entry["name"])
    if labhost.enter(entry["sshd_pid"], ["/bin/sh", "-c", script]) != 0:
        raise LabError("generating a new host key on %s failed" % entry["name"])
    entry["host_key"], entry["host_key_fingerprint"] = access.host_key(os.path.join(entry["root"], key.lstrip("/")))
    os.kill(entry["sshd_pid"], signal.SIGHUP)
    deadline = time.monotonic() + REKEY_TIMEOUT
    while time.monotonic() < deadline:
        served = run(["ssh-keyscan", "-T", "1", "-t", "ed25519", entry["address"]], check=False).stdout
        if entry["host_key"] in served:
            write_lab(labdir, lab)
            print("Host %s has a new host key %s; known_hosts was left as it was."
                  % (entry["name"], entry["host_key_fingerprint"]))
            return 0
        time.sleep(0.1)
    raise LabError("sshd of %s did not serve the new host key within %d s" % (entry["name"], REKEY_TIMEOUT))


def shape(options):
    """Limit every host's lab link to a rate (tc), or lift the limit with 'none'."""
    labdir = os.path.abspath(options.dir)
    lab = read_lab(labdir)
    rate = labprofile.check_rate(options.rate)
    for entry in lab["hosts"]:
        network.shape_host(lab["name"], entry["name"], rate)
    lab["link_rate"] = rate
    write_lab(labdir, lab)
    print("XenLab '%s': every host's link is %s." % (lab["name"], "unlimited" if rate == labprofile.NO_RATE
                                                      else "limited to " + rate))
    return 0


def check(options):
    """Resolve a profile's extends chain and validate it without starting anything."""
    loaded = labprofile.load(options.profile)
    if options.json:
        print(json.dumps(labprofile.resolve(options.profile), indent=2))
        return 0
    print("Profile %s (%s) is valid: %d hosts" % (options.profile, loaded["name"], len(loaded["hosts"])))
    for entry in loaded["hosts"]:
        state = entry["state"]
        print("  %-12s %-6s Xen %-8s %6d MB free  bridges %s" % (
            entry["name"], "+".join(entry["toolstacks"]), "%(major)d.%(minor)d%(extra)s" % state["xen"],
            hoststate.free_memory_mb(state), " ".join(state["bridges"]) or "-"))
    return 0


def init_host(options):
    labhost.init_inside(os.path.abspath(options.dir), options.host)


def parse(argv):
    parser = argparse.ArgumentParser(prog="xenlab.py", description="Simulated Xen dom0 hosts over real SSH.")
    commands = parser.add_subparsers(dest="command_name", required=True)
    p = commands.add_parser("start", help="start every host of a profile")
    p.add_argument("--profile", required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--name", default=network.DEFAULT_NAME)
    p.set_defaults(run=start)
    for name, function, text in (("stop", stop, "tear the lab down"), ("status", status, "show the hosts")):
        p = commands.add_parser(name, help=text)
        p.add_argument("--dir", required=True)
        p.set_defaults(run=function)
    p = commands.add_parser("exec", help="run a command inside a host as root")
    p.add_argument("--dir", required=True)
    p.add_argument("host")
    p.add_argument("command", nargs=argparse.REMAINDER)
    p.set_defaults(run=execute)
    p = commands.add_parser("rekey", help="give a host a new host key (known_hosts is not updated)")
    p.add_argument("--dir", required=True)
    p.add_argument("host")
    p.set_defaults(run=rekey)
    p = commands.add_parser("shape", help="limit every host's link to a rate (tc), or 'none'")
    p.add_argument("--dir", required=True)
    p.add_argument("--rate", required=True, help="a tc rate such as 1gbit or 100mbit, or none")
    p.set_defaults(run=shape)
    p = commands.add_parser("check", help="validate a profile (its extends chain applied) without starting it")
    p.add_argument("--profile", required=True)
    p.add_argument("--json", action="store_true", help="print the profile with its extends chain applied")
    p.set_defaults(run=check)
    p = commands.add_parser("_init-host")
    p.add_argument("--dir", required=True)
    p.add_argument("host")
    p.set_defaults(run=init_host)
    return parser.parse_args(argv)


def main(argv):
    options = parse(argv)
    try:
        return options.run(options)
    except LabError as e:
        sys.stderr.write("xenlab: %s\n" % e)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
