"""A TCP forwarder: the only way the machine reaches a host's sshd in a lab whose topology has
client "forwarded" (as a site's forwarded port would be).

  python3 forward.py --lab LABDIR --host NAME --target ADDRESS:PORT

Listens on 127.0.0.1 on a free port, prints that port on a line of its own on standard output
(then closes it), and relays every connection to ADDRESS:PORT in both directions, one thread per
direction, passing a half-close on (EOF one way shuts down writing the other way), until SIGTERM.
--lab and --host only name the forwarder in `ps` (and let teardown find it).
"""
import argparse
import os
import signal
import socket
import sys
import threading

CHUNK = 65536
CONNECT_TIMEOUT = 10.0
BACKLOG = 64


def _pump(source, destination, done):
    """Copy source to destination until EOF, then shut down writing to destination."""
    try:
        while True:
            data = source.recv(CHUNK)
            if not data:
                break
            destination.sendall(data)
    except OSError:
        pass
    try:
        destination.shutdown(socket.SHUT_WR)
    except OSError:
        pass
    done()


def _relay(client, target):
    try:
        upstream = socket.create_connection(target, timeout=CONNECT_TIMEOUT)
    except OSError as e:
        sys.stderr.write("forward: connecting to %s:%d failed: %s\n" % (target[0], target[1], e))
        client.close()
        return
    upstream.settimeout(None)
    for sock in (client, upstream):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    remaining = [2]
    lock = threading.Lock()

    def done():
        with lock:
            remaining[0] -= 1
            last = remaining[0] == 0
        if last:
            client.close()
            upstream.close()

    threading.Thread(target=_pump, args=(upstream, client, done), daemon=True).start()
    _pump(client, upstream, done)


def main(argv):
    parser = argparse.ArgumentParser(prog="forward.py")
    parser.add_argument("--lab", required=True)
    parser.add_argument("--host", required=True)
    parser.add_argument("--target", required=True)
    options = parser.parse_args(argv)
    address, _, port = options.target.rpartition(":")
    target = (address, int(port))

    def terminate(signum, frame):
        os._exit(0)

    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGINT, terminate)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(BACKLOG)
    sys.stdout.write("%d\n" % listener.getsockname()[1])
    sys.stdout.flush()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    while True:
        try:
            client, _ = listener.accept()
        except InterruptedError:
            continue
        threading.Thread(target=_relay, args=(client, target), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
