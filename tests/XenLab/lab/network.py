"""The lab network: one bridge on the machine, one network namespace per host.

Names and the /24 are derived from the lab name, so several labs can run at
once: the default lab "xenlab" uses 198.18.0.0/24, any other name one of the
other 511 /24s of 198.18.0.0/15 (the benchmarking range).
"""
import hashlib
import ipaddress
import os

from lab.profile import NO_RATE, RATE, RATE_UNITS, UPLINK, check_rate
from lab.system import LabError, run

DEFAULT_NAME = "xenlab"
FIRST_HOST = 11
MIN_BURST = 16384
BASE = ipaddress.ip_network("198.18.0.0/15")


def _digest(text):
    return hashlib.sha256(text.encode()).hexdigest()


def subnet(lab_name):
    index = 0 if lab_name == DEFAULT_NAME else 1 + int(_digest(lab_name), 16) % 511
    return list(BASE.subnets(new_prefix=24))[index]


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


def host_address(lab_name, index):
    return str(subnet(lab_name).network_address + FIRST_HOST + index)


def _subnet_in_use(net):
    for line in run(["ip", "-o", "-4", "addr", "show"]).stdout.splitlines():
        address = line.split()[3]
        if ipaddress.ip_interface(address).network.overlaps(net):
            return line.split()[1]
    return None


def create_bridge(lab_name):
    net = subnet(lab_name)
    used_by = _subnet_in_use(net)
    if used_by:
        raise LabError("subnet %s of lab '%s' is already used by interface %s; stop that lab or choose "
                       "another --name" % (net, lab_name, used_by))
    bridge = bridge_name(lab_name)
    run(["ip", "link", "add", bridge, "type", "bridge", "nf_call_iptables", "0", "nf_call_ip6tables", "0"])
    run(["ip", "addr", "add", "%s/24" % gateway(lab_name), "dev", bridge])
    run(["ip", "link", "set", bridge, "up"])


def create_host(lab_name, host, address, bridges):
    """A namespace with the uplink peth0 (the host's address) and the profile's bridges."""
    ns = netns_name(lab_name, host)
    veth = veth_name(lab_name, host)
    run(["ip", "netns", "add", ns])
    run(["ip", "link", "add", veth, "type", "veth", "peer", "name", UPLINK, "netns", ns])
    run(["ip", "link", "set", veth, "master", bridge_name(lab_name), "up"])
    commands = ["link set lo up", "addr add %s/24 dev %s" % (address, UPLINK), "link set %s up" % UPLINK]
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


def shape_host(lab_name, host, rate):
    """Limit the host's lab link to `rate` both ways with a token bucket (tc tbf) on its uplink
    peth0 and on the bridge's end of its veth; 'none' removes the limit."""
    check_rate(rate)
    links = [["tc", "-n", netns_name(lab_name, host)], ["tc"]]
    devices = [UPLINK, veth_name(lab_name, host)]
    for tc, device in zip(links, devices):
        if rate == NO_RATE:
            run(tc + ["qdisc", "del", "dev", device, "root"], check=False)
            continue
        number, unit = RATE.match(rate).groups()
        burst = max(int(float(number) * RATE_UNITS[unit] / 8 / 100), MIN_BURST)
        run(tc + ["qdisc", "replace", "dev", device, "root", "tbf", "rate", rate, "burst", str(burst),
                  "latency", "100ms"])
