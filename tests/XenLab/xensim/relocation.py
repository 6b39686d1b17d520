"""xend's relocation server: the TCP port `xm migrate` on another host connects to.

As xend's relocate.listenRelocation, tcp.TCPListener and
connection.hostAllowed do it:
- nothing listens unless (xend-relocation-server yes); port
  (xend-relocation-port, 8002) and address (xend-relocation-address, ''
  = every address; a word that is not an IP address is tried as an
  interface name, then bound as a host name);
- an address in use is retried every 0.5 s for 30 s;
- (xend-relocation-hosts-allow) '' admits everyone; otherwise it is split
  on single spaces (two spaces in a row make an empty pattern, which admits
  everyone, as in xend) and each piece is a regular expression tried with
  re.match against the peer's name (socket.getfqdn of its address, from the
  host's /etc/hosts) and against its address. A refused peer is logged and
  its connection closed at once.
An admitted peer's stream is a migrating guest: see xmmigrate.py.
(xend-relocation-ssl-server) and its port 8003 are not simulated.
"""
import errno
import fcntl
import re
import socket
import struct
import threading
import time

from xensim import xendlog, xmmigrate

DEFAULT_PORT = 8002
BACKLOG = 5
BIND_RETRY = 30.0
BIND_PAUSE = 0.5
SIOCGIFADDR = 0x8915


def _is_hex(word):
    try:
        int(word, 16)
        return True
    except ValueError:
        return word == ""


def _is_ip(text):
    """xend's isValidIP: every dot-separated part is digits, or every colon-separated part is hex or empty."""
    if all(part.isdigit() for part in text.split(".")):
        return True
    return all(_is_hex(part) for part in text.split(":"))


def _interface_address(name):
    """The IPv4 address of the interface `name`, or `name` itself when there is no such interface."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        answer = fcntl.ioctl(probe.fileno(), SIOCGIFADDR, struct.pack("256s", name.encode("latin-1")[:15]))
        return socket.inet_ntoa(answer[20:24])
    except OSError:
        return name
    finally:
        probe.close()


def _bind(interface, port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    deadline = time.monotonic() + BIND_RETRY
    try:
        while True:
            if not _is_ip(interface):
                interface = _interface_address(interface)
            xendlog.log(xendlog.LISTENING, "Listening on %s:%s" % (interface, port))
            if not 0 <= port <= 65535:
                raise OverflowError("getsockaddrarg: port must be 0-65535.")
            try:
                sock.bind((interface, port))
                return sock
            except OSError as e:
                if e.errno != errno.EADDRINUSE or time.monotonic() >= deadline:
                    raise
            time.sleep(BIND_PAUSE)
    except BaseException:
        sock.close()
        raise


def host_allowed(address, patterns):
    """xend's hostAllowed: None admits everyone; otherwise the peer's name or address must match."""
    if patterns is None:
        return True
    fqdn = socket.getfqdn(address)
    if any(p.match(fqdn) or p.match(address) for p in patterns):
        return True
    xendlog.log(xendlog.REJECTED, "Rejected connection from %s (%s)." % (address, fqdn))
    return False


def _serve(connection):
    """An admitted peer: a migrating guest arrives (xmmigrate.receive)."""
    with connection:
        xmmigrate.receive(connection)


def _accept(listener, patterns):
    while True:
        try:
            connection, (address, _) = listener.accept()
        except OSError:
            return
        if host_allowed(address, patterns):
            threading.Thread(target=_serve, args=(connection,), daemon=True).start()
        else:
            connection.close()


def listen(options):
    """Start the relocation listener the options ask for (a thread of the calling
    daemon). Returns the listening socket, or None when the server is off.
    Raises what xend raises for a bad value or an address it cannot bind."""
    if not options.boolean("xend-relocation-server", "no"):
        return None
    port = options.integer("xend-relocation-port", DEFAULT_PORT)
    interface = options.string("xend-relocation-address", "")
    hosts_allow = options.string("xend-relocation-hosts-allow", "")
    patterns = None if hosts_allow == "" else [re.compile(p) for p in hosts_allow.split(" ")]
    listener = _bind(interface, port)
    listener.listen(BACKLOG)
    threading.Thread(target=_accept, args=(listener, patterns), daemon=True).start()
    return listener
