"""A guest's own network service, as its users see it from outside.

A domain whose profile entry has `"service": PORT` (e.g. 3389, the desktop of a Windows guest) gets an
address of its own on the lab network (`guest_address` in its record, given by xenlab at start). The
host that runs the guest holds that address on an interface named after it (`g` + the address's last
number; one end of a veth pair whose other end, `gNNNp`, stays up), so the host answers ARP for it on its uplink as a bridge port answers for a real guest's
vif; every host runs `xensim guest-service`, which listens on every lab guest's address and port
(IP_FREEBIND: the address need not be there yet) and accepts and closes each connection. So a guest's
service answers exactly where, and while, its address is up:

- `pause`: the guest is suspended for the last part of a migration; its address leaves the interface
  (Linux keeps a local address reachable on a down interface), and connections to it get no answer at
  all (the host does not forward), as with a paused guest, not a refusal.
- `attach`: the guest runs on this host (at start, or when a migration ends on the destination); the
  interface is created and up, and a gratuitous ARP from the uplink tells the lab network where the
  guest now is, as a real guest's netfront does after a migration.
- `resume`: a failed migration resumes the guest at the sender: its address is back, announced again.
- `detach`: the sender removes its copy.

Each change is recorded in /var/lib/xen/xenlab/guest-events.log as `BEFORE AFTER EVENT NAME`: the
wall-clock times (seconds) just before and just after the address changed, so a test can bound the
guest's real pause from both hosts' records.
"""
import os
import selectors
import socket
import struct
import subprocess
import sys
import time

from xensim import paths

EVENTS = "/var/lib/xen/xenlab/guest-events.log"
PID_FILE = "/run/xenlab/guest-service.pid"
UPLINK = "peth0"
IP_FREEBIND = 15
ETH_P_ARP = 0x0806


def _interface(dom):
    return "g" + dom["guest_address"].rsplit(".", 1)[1]


def _record(event, dom, before):
    path = paths.path(EVENTS)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "a", encoding="ascii") as f:
        f.write("%.6f %.6f %s %s\n" % (before, time.time(), event, dom["name"]))


def _announce(address):
    """A gratuitous ARP request for `address` from the uplink: the lab bridge and every neighbour learn where it is."""
    with open("/sys/class/net/%s/address" % UPLINK, encoding="ascii") as f:
        mac = bytes.fromhex(f.read().strip().replace(":", ""))
    ip = socket.inet_aton(address)
    frame = (b"\xff" * 6 + mac + struct.pack("!H", ETH_P_ARP)
             + struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + mac + ip + b"\x00" * 6 + ip)
    with socket.socket(socket.AF_PACKET, socket.SOCK_RAW) as raw:
        raw.bind((UPLINK, 0))
        raw.send(frame)


def _has_service(dom):
    return bool(dom.get("guest_address")) and paths.root() == "/"


def _change(event, dom, commands, announce):
    """For a guest with a service: runs the `ip` commands that `commands(interface, address)` gives (each a list of
    arguments; `link del` may fail), announces the address when asked, and records `event`."""
    if not _has_service(dom):
        return
    before = time.time()
    for command in commands(_interface(dom), dom["guest_address"] + "/32"):
        subprocess.run(["ip"] + command, check=command[:2] != ["link", "del"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if announce:
        _announce(dom["guest_address"])
    _record(event, dom, before)


def attach(dom):
    _change("answers", dom, lambda name, address: [
        ["link", "del", name], ["link", "add", name, "type", "veth", "peer", "name", name + "p"],
        ["addr", "add", address, "dev", name], ["link", "set", name + "p", "up"], ["link", "set", name, "up"]], True)


def pause(dom):
    _change("paused", dom, lambda name, address: [["addr", "del", address, "dev", name]], False)


def resume(dom):
    _change("answers", dom, lambda name, address: [["addr", "add", address, "dev", name]], True)


def detach(dom):
    _change("gone", dom, lambda name, address: [["link", "del", name]], False)


def serve(args):
    """`xensim guest-service ADDRESS:PORT...`: listen on each, accept and close every connection; runs until killed."""
    selector = selectors.DefaultSelector()
    for spec in args:
        address, port = spec.rsplit(":", 1)
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.setsockopt(socket.SOL_IP, IP_FREEBIND, 1)
        listener.bind((address, int(port)))
        listener.listen(64)
        selector.register(listener, selectors.EVENT_READ)
    os.makedirs(os.path.dirname(PID_FILE), exist_ok=True)
    with open(PID_FILE, "w", encoding="ascii") as f:
        f.write("%d\n" % os.getpid())
    sys.stdout.flush()
    while True:
        for key, _ in selector.select():
            try:
                connection, _ = key.fileobj.accept()
                connection.close()
            except OSError:
                pass
