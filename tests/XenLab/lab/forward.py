"""A TCP forwarder: the only way the machine reaches a host's sshd in a lab whose topology has
client "forwarded" (as a site's forwarded port would be).

  python3 forward.py --lab LABDIR --host NAME --target ADDRESS:PORT [--delay SECONDS]

Listens on 127.0.0.1 on a free port, prints that port on a line of its own on standard output
(then closes it), and relays every connection to ADDRESS:PORT in both directions, one thread per
direction, passing a half-close on (EOF one way shuts down writing the other way), until SIGTERM.
--lab and --host only name the forwarder in `ps` (and let teardown find it).
--delay holds every chunk that long, each way, before it is passed on (a link's propagation delay: a
round trip takes twice as long); the kernel's netem would do this on the veth, but not every kernel
has it, so the delay is a line of chunks here, read at once and written when due, in order.
"""
import argparse
import os
import signal
import socket
import queue
import sys
import threading
import time

CHUNK = 65536
CONNECT_TIMEOUT = 10.0
BACKLOG = 64


def _pump(source, send, done):
    """Pass what source reads to send until EOF or until send fails (returns False), then send b"" (the half-close)."""
    try:
        while True:
            data = source.recv(CHUNK)
            if not data or not send(data):
                break
    except OSError:
        pass
    send(b"")
    done()


def _writer(destination):
    """send for _pump: write data to destination (False when that fails); b"" shuts down writing to it."""
    def send(data):
        try:
            if data:
                destination.sendall(data)
            else:
                destination.shutdown(socket.SHUT_WR)
        except OSError:
            return False
        return True
    return send


def _delay_line(send, delay, done):
    """send for _pump that passes each chunk to send `delay` seconds after it was read, in order, from a thread of
    its own; done() once the half-close went through. After a failed write the rest is dropped but for the
    half-close, and the next chunk offered is refused."""
    line = queue.SimpleQueue()
    failed = threading.Event()

    def deliver():
        while True:
            due, data = line.get()
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            if not data:
                send(data)
                break
            if not failed.is_set() and not send(data):
                failed.set()
        done()

    def offer(data):
        line.put((time.monotonic() + delay, data))
        return not failed.is_set()

    threading.Thread(target=deliver, daemon=True).start()
    return offer


def _relay(client, target, delay):
    try:
        upstream = socket.create_connection(target, timeout=CONNECT_TIMEOUT)
    except OSError as e:
        sys.stderr.write("forward: connecting to %s:%d failed: %s\n" % (target[0], target[1], e))
        client.close()
        return
    upstream.settimeout(None)
    for sock in (client, upstream):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    remaining = [4 if delay else 2]
    lock = threading.Lock()

    def done():
        with lock:
            remaining[0] -= 1
            last = remaining[0] == 0
        if last:
            client.close()
            upstream.close()

    to_client, to_upstream = _writer(client), _writer(upstream)
    if delay:
        to_client, to_upstream = _delay_line(to_client, delay, done), _delay_line(to_upstream, delay, done)
    threading.Thread(target=_pump, args=(upstream, to_client, done), daemon=True).start()
    _pump(client, to_upstream, done)


def main(argv):
    parser = argparse.ArgumentParser(prog="forward.py")
    parser.add_argument("--lab", required=True)
    parser.add_argument("--host", required=True)
    parser.add_argument("--target", required=True)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds each chunk is held, each way")
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
        threading.Thread(target=_relay, args=(client, target, options.delay), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
