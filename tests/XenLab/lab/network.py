"""The lab network: one bridge on the machine, one network namespace per host.

Names and the /24 are derived from the lab name, so several labs can run at
once: the default lab "xenlab" uses 198.18.0.0/24, any other name one of the
other 511 /24s of 198.18.0.0/15 (the benchmarking range).

A profile's topology may add internal networks: "internal" (the dom0s' only
network when the machine reaches them through a bastion) and "migration" (a
second network between the dom0s). Each is a bridge with no address on the
machine, a /24 of its own derived from the lab name, and an `unreachable`
route on the machine so that nothing for it leaves through the default route.
"""
import ctypes
import hashlib
import ipaddress
import os
import socket

from lab.profile import NO_RATE, RATE, RATE_UNITS, UPLINK, check_rate
from lab.system import LabError, run

LAB = "lab"
INTERNAL = "internal"
MIGRATION = "migration"
INTERNAL_NETWORKS = (INTERNAL, MIGRATION)
BASTION_HOST = 10
CLONE_NEWNET = 0x40000000

DEFAULT_NAME = "xenlab"
FIRST_HOST = 11
MIN_BURST = 16384
BASE = ipaddress.ip_network("198.18.0.0/15")


def _digest(text):
    return hashlib.sha256(text.encode()).hexdigest()


def _subnet_index(lab_name, network):
    """The /24's index in 198.18.0.0/15: the lab network's from the name, an internal network's from
    the name and the network's, moved on when it falls on one the lab already uses."""
    index = 0 if lab_name == DEFAULT_NAME else 1 + int(_digest(lab_name), 16) % 511
    taken = [index]
    for kind in INTERNAL_NETWORKS:
        if kind == network or network == LAB:
            break
        taken.append(_subnet_index(lab_name, kind))
    if network == LAB:
        return index
    index = 1 + int(_digest("%s/%s" % (lab_name, network)), 16) % 511
    while index in taken:
        index = 1 + index % 511
    return index


def subnet(lab_name, network=LAB):
    return list(BASE.subnets(new_prefix=24))[_subnet_index(lab_name, network)]


def network_bridge_name(lab_name, network):
    """The bridge of an internal network: 'xi' (internal) or 'xm' (migration) and 10 hex digits of the
    lab name's digest (15 characters at most, like every interface name)."""
    return {INTERNAL: "xi", MIGRATION: "xm"}[network] + _digest("%s/%s" % (lab_name, network))[:10]


def link_veth_name(lab_name, host, network):
    """The machine's end of a host's veth into an internal network."""
    return "xv" + _digest("%s/%s/%s" % (lab_name, host, network))[:10]


def network_address(lab_name, network, number):
    return str(subnet(lab_name, network).network_address + number)


def bridge_name(lab_name):
    if len(lab_name) <= 12:
        return "xl-" + lab_name
    return "xl-" + lab_name[:5] + _digest(lab_name)[:7]


def netns_name(lab_name, host):
    return "xl-%s-%s" % (lab_name, host)


def veth_name(lab_name, host):
    return "xv" + _digest(lab_name + "/" + host)[:10]


def gateway(lab_name):
    return str(subnet(lab_name).network_address + 1)


def host_address(lab_name, index, network=LAB):
    return str(subnet(lab_name, network).network_address + FIRST_HOST + index)


ROUTE_TYPES = ("unicast", "unreachable", "blackhole", "prohibit", "throw", "local", "broadcast", "anycast",
               "multicast", "nat")


def _subnet_in_use(net):
    """What on the machine already uses `net`: an interface's address, or a route (another lab's
    internal network has no address here, only its unreachable route)."""
    for line in run(["ip", "-o", "-4", "addr", "show"]).stdout.splitlines():
        address = line.split()[3]
        if ipaddress.ip_interface(address).network.overlaps(net):
            return "interface " + line.split()[1]
    for line in run(["ip", "-o", "-4", "route", "show", "table", "all"]).stdout.splitlines():
        words = line.split()
        destination = words[1] if words[0] in ROUTE_TYPES and len(words) > 1 else words[0]
        try:
            routed = ipaddress.ip_network(destination, strict=False)
        except ValueError:
            continue
        if routed.prefixlen > 0 and routed.overlaps(net):
            return "route '%s'" % line.strip()
    return None


def check_subnets(lab_name, networks):
    for network in networks:
        net = subnet(lab_name, network)
        used_by = _subnet_in_use(net)
        if used_by:
            raise LabError("subnet %s (%s network) of lab '%s' is already used by %s; stop that lab or choose "
                           "another --name" % (net, network, lab_name, used_by))


def create_network(lab_name, network):
    """An internal network: a bridge without an address on the machine, and an unreachable route for its
    /24. Returns the route's destination (for delete_route)."""
    bridge = network_bridge_name(lab_name, network)
    run(["ip", "link", "add", bridge, "type", "bridge", "nf_call_iptables", "0", "nf_call_ip6tables", "0"])
    run(["ip", "link", "set", bridge, "up"])
    return str(subnet(lab_name, network))


def add_unreachable_route(destination):
    run(["ip", "route", "add", "unreachable", destination])


def delete_route(destination):
    run(["ip", "route", "del", "unreachable", destination], check=False)


def delete_network(lab_name, network):
    bridge = network_bridge_name(lab_name, network)
    if os.path.exists("/sys/class/net/" + bridge):
        run(["ip", "link", "delete", bridge])


def create_bridge(lab_name):
    check_subnets(lab_name, [LAB])
    bridge = bridge_name(lab_name)
    run(["ip", "link", "add", bridge, "type", "bridge", "nf_call_iptables", "0", "nf_call_ip6tables", "0"])
    run(["ip", "addr", "add", "%s/24" % gateway(lab_name), "dev", bridge])
    run(["ip", "link", "set", bridge, "up"])


def create_host(lab_name, host, links, bridges):
    """A namespace with its links, each (interface, machine-side veth, machine bridge, address): the uplink
    peth0 (the host's address) first, and the profile's bridges."""
    ns = netns_name(lab_name, host)
    run(["ip", "netns", "add", ns])
    commands = ["link set lo up"]
    for interface, veth, bridge, address in links:
        run(["ip", "link", "add", veth, "type", "veth", "peer", "name", interface, "netns", ns])
        run(["ip", "link", "set", veth, "master", bridge, "up"])
        commands += ["addr add %s/24 dev %s" % (address, interface), "link set %s up" % interface]
    for name in bridges:
        commands += ["link add %s type bridge" % name, "link set %s up" % name]
    run(["ip", "-n", ns, "-batch", "-"], input="\n".join(commands) + "\n")


def namespace_pids(ns):
    result = run(["ip", "netns", "pids", ns], check=False)
    return [int(p) for p in result.stdout.split()]


def delete_namespace(ns):
    """Deleting the namespace destroys its veth, and with it the machine-side end."""
    run(["ip", "netns", "delete", ns], check=False)


def delete_bridge(lab_name):
    bridge = bridge_name(lab_name)
    if os.path.exists("/sys/class/net/" + bridge):
        run(["ip", "link", "delete", bridge])


def connect_in(ns, address, port, timeout):
    """A TCP connection to address:port made from inside network namespace `ns` (the socket is created
    there; this thread returns to its own namespace at once)."""
    libc = ctypes.CDLL(None, use_errno=True)
    own = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    try:
        target = os.open(os.path.join("/run/netns", ns), os.O_RDONLY)
        try:
            if libc.setns(target, CLONE_NEWNET) != 0:
                raise LabError("entering network namespace %s failed: %s" % (ns, os.strerror(ctypes.get_errno())))
            try:
                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            finally:
                if libc.setns(own, CLONE_NEWNET) != 0:
                    raise LabError("returning from network namespace %s failed: %s"
                                   % (ns, os.strerror(ctypes.get_errno())))
        finally:
            os.close(target)
    finally:
        os.close(own)
    try:
        sock.settimeout(timeout)
        sock.connect((address, port))
    except BaseException:
        sock.close()
        raise
    return sock


def set_link(veth, up):
    """Take a machine-side veth down (the host inside loses carrier: its packets go nowhere, its
    addresses and routes stay, and open TCP connections retransmit) or up again."""
    run(["ip", "link", "set", veth, "up" if up else "down"])


def shape_host(lab_name, host, rate, links=None):
    """Limit the host's links to `rate` both ways with a token bucket (tc tbf) on each interface inside
    (peth0, and peth1 on a migration network) and on the bridge's end of its veth; 'none' removes the
    limit. `links`: (interface, machine-side veth) pairs; default the uplink only."""
    check_rate(rate)
    if links is None:
        links = [(UPLINK, veth_name(lab_name, host))]
    commands, devices = [], []
    for interface, veth in links:
        commands += [["tc", "-n", netns_name(lab_name, host)], ["tc"]]
        devices += [interface, veth]
    for tc, device in zip(commands, devices):
        if rate == NO_RATE:
            run(tc + ["qdisc", "del", "dev", device, "root"], check=False)
            continue
        number, unit = RATE.match(rate).groups()
        burst = max(int(float(number) * RATE_UNITS[unit] / 8 / 100), MIN_BURST)
        run(tc + ["qdisc", "replace", "dev", device, "root", "tbf", "rate", rate, "burst", str(burst),
                  "latency", "100ms"])
