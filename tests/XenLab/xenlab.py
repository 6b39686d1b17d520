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
import selectors
import signal
import socket
import subprocess
import sys
import time

sys.dont_write_bytecode = True

from lab import access, host as labhost, network, profile as labprofile  # noqa: E402
from lab.profile import MIGRATION_LINK, UPLINK  # noqa: E402
from lab.system import LabError, ensure_prerequisites, run  # noqa: E402
from xensim import state as hoststate  # noqa: E402
from xensim.xend import alive  # noqa: E402

LAB_NAME = re.compile(r"^[a-z][a-z0-9-]{0,30}$")
LAB_FILE = "lab.json"
GENERATED = ["ssh_config", "known_hosts", "hosts", "shares"] + [
    name + suffix for name in access.CLIENT_KEYS for suffix in ("", ".pub")]
XEND_STATUS = {0: "running", 3: "stopped"}
STOP_GRACE = 2.0
GUEST_HOST = 100
REKEY_TIMEOUT = 10.0
FORWARDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lab", "forward.py")
FORWARDER_TIMEOUT = 10.0


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


def _machines(lab):
    """Every lab host with an sshd: the dom0s, then the bastion when the topology has one."""
    return lab["hosts"] + ([lab["bastion"]] if lab.get("bastion") else [])


def _find_host(lab, name):
    for entry in _machines(lab):
        if entry["name"] == name:
            return entry
    raise LabError("lab %s has no host '%s' (hosts: %s)" % (lab["name"], name,
                                                           ", ".join(h["name"] for h in _machines(lab))))


def _entry(labdir, name, host, address):
    return {
        "name": host,
        "address": address,
        "netns": network.netns_name(name, host),
        "veth": network.veth_name(name, host),
        "sshd_pid": None,
        "root": labhost.upper_dir(labdir, host),
        "log": labhost.log_file(labdir, host),
        "host_key": None,
        "host_key_fingerprint": None,
        "users": ["root", "xenadmin", "xenpass"],
    }


def _new_lab(labdir, name, profile_path, loaded):
    topology = loaded["topology"]
    client, behind = topology["client"], topology["client"] == "bastion"
    home = network.INTERNAL if behind else network.LAB
    migration = topology["migration_network"]
    hosts = []
    for index, entry in enumerate(loaded["hosts"]):
        address = network.host_address(name, index, home)
        host = _entry(labdir, name, entry["name"], address)
        host.update({
            "toolstacks": entry["toolstacks"],
            "xen_version": "%(major)d.%(minor)d%(extra)s" % entry["xen"],
            "bridges": entry.get("bridges", []),
            "storage": entry.get("storage", []),
            "ssh_ports": entry.get("ssh_ports", []),
            "xend_running": bool(entry.get("xend_running", True)) and "xm" in entry["toolstacks"],
            "network": home,
            "internal_address": address if behind else None,
            "migration_address": network.host_address(name, index, network.MIGRATION) if migration else None,
            "migration_veth": network.link_veth_name(name, entry["name"], network.MIGRATION) if migration else None,
            "client": client,
            "client_host": "127.0.0.1" if client == "forwarded" else address,
            "client_port": None if client == "forwarded" else 22,
            "proxy_jump": topology["bastion"] if behind else None,
            "forwarder_pid": None,
        })
        hosts.append(host)
    bastion = None
    if behind:
        bastion = _entry(labdir, name, topology["bastion"],
                         network.network_address(name, network.LAB, network.BASTION_HOST))
        bastion.update({
            "toolstacks": [], "xen_version": None, "bridges": [], "storage": [], "xend_running": False,
            "network": network.LAB,
            "internal_address": network.network_address(name, network.INTERNAL, network.BASTION_HOST),
            "internal_veth": network.link_veth_name(name, topology["bastion"], network.INTERNAL),
            "migration_address": None, "migration_veth": None,
            "client": "direct", "client_host": bastion["address"], "client_port": 22, "proxy_jump": None,
            "forwarder_pid": None,
        })
    internal = {kind: (network.network_bridge_name(name, kind), str(network.subnet(name, kind)))
                if wanted else (None, None) for kind, wanted in ((network.INTERNAL, behind),
                                                                  (network.MIGRATION, migration))}
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
        "link_delay": loaded["link_delay"],
        "topology": topology,
        "internal_bridge": internal[network.INTERNAL][0],
        "internal_subnet": internal[network.INTERNAL][1],
        "migration_bridge": internal[network.MIGRATION][0],
        "migration_subnet": internal[network.MIGRATION][1],
        "routes": [],
        "hosts": hosts,
        "bastion": bastion,
    }


def _links(entry):
    """A host's (interface, machine-side veth) pairs, for shaping: its uplink, and its migration link."""
    return [(UPLINK, entry["veth"])] + ([(MIGRATION_LINK, entry["migration_veth"])]
                                        if entry.get("migration_veth") else [])


def _forwarder_pids(labdir):
    """The running forwarders of the lab in labdir (found by their command line, so a start that
    failed before recording them leaves none behind)."""
    pids = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % name, "rb") as f:
                args = f.read().decode("utf-8", "replace").split("\0")
        except OSError:
            continue
        if FORWARDER in args and "--lab" in args and args[args.index("--lab") + 1:][:1] == [labdir]:
            pids.append(int(name))
    return pids


def _start_forwarder(labdir, lab, entry):
    """Start the host's forwarder (127.0.0.1:free port -> its address:22, holding each chunk the lab's link_delay)
    in a session of its own; records its pid and port in the entry."""
    log = open(os.path.join(labhost.host_dir(labdir, entry["name"]), "forward.log"), "ab")
    process = subprocess.Popen(["/usr/bin/python3", "-B", FORWARDER, "--lab", labdir, "--host", entry["name"],
                                "--target", "%s:22" % entry["address"],
                                "--delay", str(labprofile.delay_seconds(lab["link_delay"]))],
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log, start_new_session=True)
    log.close()
    entry["forwarder_pid"] = process.pid
    write_lab(labdir, lab)
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        ready = selector.select(FORWARDER_TIMEOUT)
    line = process.stdout.readline().decode().strip() if ready else ""
    process.stdout.close()
    if not line.isdigit():
        raise LabError("the forwarder of host %s did not start; see %s"
                       % (entry["name"], os.path.join(labhost.host_dir(labdir, entry["name"]), "forward.log")))
    entry["client_port"] = int(line)
    write_lab(labdir, lab)


def _check_forwarder(entry):
    """sshd's banner must come back through the forwarder."""
    try:
        with socket.create_connection((entry["client_host"], entry["client_port"]), timeout=5) as sock:
            if sock.recv(4).startswith(b"SSH-"):
                return
    except OSError as e:
        raise LabError("host %s does not answer through its forwarder on %s:%d: %s"
                       % (entry["name"], entry["client_host"], entry["client_port"], e))
    raise LabError("host %s does not answer through its forwarder on %s:%d"
                   % (entry["name"], entry["client_host"], entry["client_port"]))


def _etc_hosts(lab, entry):
    """(address, name) pairs of a host's /etc/hosts: the dom0s under the address they reach each other by
    (the migration address on a migration network), and the bastion under the address its neighbours
    reach it by; on the bastion, its own lab address and the dom0s' addresses."""
    bastion = lab.get("bastion")
    if entry is bastion:
        return [(bastion["address"], bastion["name"])] + [(h["address"], h["name"]) for h in lab["hosts"]]
    pairs = [(h.get("migration_address") or h["address"], h["name"]) for h in lab["hosts"]]
    pairs += [(g["address"], g["name"]) for g in lab.get("guests") or []]
    return pairs + ([(bastion["internal_address"], bastion["name"])] if bastion else [])


def _build(labdir, lab, loaded):
    host_keys, root_keys = {}, {}
    specs = list(zip(lab["hosts"], loaded["hosts"]))
    if lab.get("bastion"):
        specs.append((lab["bastion"], {"name": lab["bastion"]["name"], "toolstacks": []}))
    for entry, spec in specs:
        host_keys[entry["name"]] = os.path.join(entry["root"], "etc", "ssh", "ssh_host_ed25519_key")
        if spec.get("root_ssh_to"):
            root_keys[entry["name"]] = labhost.root_key(labdir, entry["name"])
    for path in list(host_keys.values()) + list(root_keys.values()):
        os.makedirs(os.path.dirname(path), exist_ok=True)
    own_keys = {path: name for keys in (host_keys, root_keys) for name, path in keys.items()}
    lab["key_passphrase"] = access.create_keys(labdir, own_keys)
    for entry in _machines(lab):
        entry["host_key"], entry["host_key_fingerprint"] = access.host_key(host_keys[entry["name"]])
    access.assign_ids(lab["users"])
    accounts = access.account_files(lab["users"])
    keys = access.authorized_keys(labdir)
    labhost.create_shares(labdir, loaded["shares"])
    lab["guests"] = _guest_addresses(lab, loaded)
    for entry, spec in specs:
        listen = [a for a in (entry["address"], entry.get("migration_address"), entry.get("internal_address")) if a]
        targets = [h for h in lab["hosts"] if h["name"] in spec.get("root_ssh_to", [])]
        labhost.prepare(labdir, dict(spec, address=entry["address"], listen=list(dict.fromkeys(listen))),
                        _etc_hosts(lab, entry), lab["users"], accounts, keys,
                        access.trusted_root_keys(entry["name"], loaded["hosts"], root_keys),
                        access.known_hosts(targets) if targets else "")
    write_lab(labdir, lab)
    labhost.compile_simulator()
    _build_network(lab)
    processes = [(entry, labhost.launch(labdir, lab["name"], entry["name"])) for entry in _machines(lab)]
    for entry, process in processes:
        entry["sshd_pid"] = process.pid
    write_lab(labdir, lab)
    for entry, process in processes:
        labhost.wait_ready(labdir, entry["name"], entry["address"], process,
                           netns=entry["netns"] if entry.get("network") == network.INTERNAL else None)
    if lab["topology"]["client"] == "forwarded":
        for entry in lab["hosts"]:
            _start_forwarder(labdir, lab, entry)
        for entry in lab["hosts"]:
            _check_forwarder(entry)
    with open(os.path.join(labdir, "known_hosts"), "w") as f:
        f.write(access.client_known_hosts(lab))
    with open(os.path.join(labdir, "ssh_config"), "w") as f:
        f.write(access.ssh_config(labdir, lab))
    lab["status"] = "running"
    write_lab(labdir, lab)


def _guest_addresses(lab, loaded):
    """Every domain with a service (profile key `service`: a TCP port) gets an address of its own on its host's network,
    .100 up in profile order, recorded in its state (`guest_address`) and in lab.json's `guests`."""
    guests = []
    for entry, spec in zip(lab["hosts"], loaded["hosts"]):
        for dom in spec["state"]["domains"]:
            if "service" not in dom:
                continue
            dom["guest_address"] = network.network_address(lab["name"], entry["network"], GUEST_HOST + len(guests))
            guests.append({"name": dom["name"], "host": entry["name"], "address": dom["guest_address"], "port": dom["service"]})
    return guests


def _build_network(lab):
    """The lab bridge, the internal networks of the topology (each with its unreachable route, recorded in
    lab.json as it is added), and every host's namespace with its links."""
    name = lab["name"]
    internal = [kind for kind in network.INTERNAL_NETWORKS if lab.get(kind + "_bridge")]
    network.check_subnets(name, [network.LAB] + internal)
    network.create_bridge(name)
    for kind in internal:
        destination = network.create_network(name, kind)
        network.add_unreachable_route(destination)
        lab["routes"].append(destination)
        write_lab(lab["dir"], lab)
    for entry in lab["hosts"]:
        home = lab["internal_bridge"] if entry.get("network") == network.INTERNAL else lab["bridge"]
        links = [(UPLINK, entry["veth"], home, entry["address"])]
        if entry.get("migration_address"):
            links.append((MIGRATION_LINK, entry["migration_veth"], lab["migration_bridge"], entry["migration_address"]))
        network.create_host(name, entry["name"], links, entry["bridges"])
        network.shape_host(name, entry["name"], lab["link_rate"], _links(entry))
    bastion = lab.get("bastion")
    if bastion:
        network.create_host(name, bastion["name"], [
            (UPLINK, bastion["veth"], lab["bridge"], bastion["address"]),
            (MIGRATION_LINK, bastion["internal_veth"], lab["internal_bridge"], bastion["internal_address"])], [])


def _reach(entry):
    """How the machine reaches the host's sshd, for start's summary."""
    if entry.get("proxy_jump"):
        return "via " + entry["proxy_jump"]
    return "%s:%s" % (entry.get("client_host") or entry["address"], entry.get("client_port") or 22)


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
    for entry in _machines(lab):
        kind = "+".join(entry["toolstacks"]) + " Xen " + entry["xen_version"] if entry["toolstacks"] else "bastion"
        print("  %-12s %-15s %-17s client %s%s" % (
            entry["name"], entry["address"], kind, _reach(entry),
            "  migration %s" % entry["migration_address"] if entry.get("migration_address") else
            "  internal %s" % entry["internal_address"] if entry.get("internal_address") not in (None, entry["address"])
            else ""))
    first = lab["hosts"][0]
    print("Reach it with: ssh -F %s %s %s list" % (lab["ssh_config"], first["name"], first["toolstacks"][0]))
    print("Details in %s; stop it with: %s stop --dir %s" % (_lab_file(labdir), sys.argv[0], labdir))
    return 0


def _kill_host_processes(entry):
    pids = set(network.namespace_pids(entry["netns"]))
    if alive(entry.get("sshd_pid")):
        pids.add(entry["sshd_pid"])
    _end(pids)


def _end(pids):
    """SIGTERM, then SIGKILL to what is still there after STOP_GRACE."""
    pids = set(pids)
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
    _end(_forwarder_pids(labdir))
    for entry in _machines(lab):
        _kill_host_processes(entry)
        network.delete_namespace(entry["netns"])
    network.delete_bridge(lab["name"])
    for kind in network.INTERNAL_NETWORKS:
        if lab.get(kind + "_bridge"):
            network.delete_network(lab["name"], kind)
    for destination in lab.get("routes", []):
        network.delete_route(destination)
    for entry in _machines(lab):
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
    print("XenLab '%s' stopped; its processes, namespaces, bridges, routes and files are gone." % name)
    return 0


def status(options):
    lab = read_lab(os.path.abspath(options.dir))
    healthy = lab["status"] == "running"
    print("XenLab '%s' (%s): bridge %s, %s" % (lab["name"], lab["status"], lab["bridge"], lab["subnet"]))
    for entry in _machines(lab):
        running = alive(entry["sshd_pid"])
        xend = ""
        if running and "xm" in entry["toolstacks"]:
            code = labhost.enter(entry["sshd_pid"], ["/usr/sbin/xend", "status"])
            xend = "  xend %s" % XEND_STATUS.get(code, "unknown (xend status exit %d)" % code)
        healthy = healthy and running
        forwarder = ""
        if entry.get("forwarder_pid"):
            forwarding = alive(entry["forwarder_pid"])
            healthy = healthy and forwarding
            forwarder = "  forwarder %s" % ("%s:%s" % (entry["client_host"], entry["client_port"]) if forwarding
                                            else "DOWN")
        print("  %-12s %-15s sshd %s%s%s" % (entry["name"], entry["address"],
                                            "pid %d" % entry["sshd_pid"] if running else "DOWN", xend, forwarder))
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
        served = run(["nsenter", "--target", str(entry["sshd_pid"]), "--net", "--",
                      "ssh-keyscan", "-T", "1", "-t", "ed25519", entry["address"]], check=False).stdout
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
        network.shape_host(lab["name"], entry["name"], rate, _links(entry))
    lab["link_rate"] = rate
    write_lab(labdir, lab)
    print("XenLab '%s': every host's link is %s." % (lab["name"], "unlimited" if rate == labprofile.NO_RATE
                                                      else "limited to " + rate))
    return 0


def link(options):
    """Cut a host's links (uplink and migration link) as a pulled cable would, or restore them."""
    lab, entry = _running_host(os.path.abspath(options.dir), options.host)
    for _, veth in _links(entry):
        network.set_link(veth, options.state == "up")
    print("XenLab '%s': %s's links are %s." % (lab["name"], entry["name"], options.state))
    return 0


def check(options):
    """Resolve a profile's extends chain and validate it without starting anything."""
    loaded = labprofile.load(options.profile)
    if options.json:
        print(json.dumps(labprofile.resolve(options.profile), indent=2))
        return 0
    print("Profile %s (%s) is valid: %d hosts" % (options.profile, loaded["name"], len(loaded["hosts"])))
    topology = loaded["topology"]
    print("  topology: client %s%s, %s" % (
        topology["client"], " (bastion host %s)" % topology["bastion"] if topology["bastion"] else "",
        "migration network" if topology["migration_network"] else "no migration network"))
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
    p = commands.add_parser("link", help="cut a host's links (down) or restore them (up)")
    p.add_argument("--dir", required=True)
    p.add_argument("host")
    p.add_argument("state", choices=("down", "up"))
    p.set_defaults(run=link)
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
