"""Who can log in to the lab hosts, and with what: keys, users, passwords, ssh files.

Lab users exist only inside the hosts: each host gets its own copies of
/etc/passwd, /etc/shadow, /etc/group with them appended.
"""
import os
import secrets
import subprocess
import time

from lab.system import LabError, run

KEY_COMMENT = "xenlab-admin"
# file name -> (ssh-keygen type, extra arguments, has passphrase)
CLIENT_KEYS = {
    "id_ed25519": ("ed25519", [], False),
    "id_rsa": ("rsa", ["-b", "3072"], False),
    "id_ecdsa": ("ecdsa", ["-b", "256"], False),
    "id_ed25519_pass": ("ed25519", [], True),
}
SUDOERS = "xenadmin ALL=(ALL:ALL) NOPASSWD: ALL\nxenpass ALL=(ALL:ALL) ALL\n"
FIRST_UID = 20000


def new_users():
    """Lab users with fresh passwords: root (password too), xenadmin (keys, sudo
    without password), xenpass (password, sudo asks for it)."""
    def password():
        return secrets.token_urlsafe(12)

    return {
        "root": {"uid": 0, "password": password(), "sudo": "root", "auth": ["key", "password"]},
        "xenadmin": {"password": None, "sudo": "nopasswd", "auth": ["key"]},
        "xenpass": {"password": password(), "sudo": "password", "auth": ["key", "password"]},
    }


def _keygen(path, kind, extra, passphrase, comment):
    return subprocess.Popen(["ssh-keygen", "-q", "-t", kind] + extra + ["-N", passphrase, "-C", comment, "-f", path],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _wait(processes):
    for path, process in processes:
        _, error = process.communicate()
        if process.returncode != 0:
            raise LabError("ssh-keygen for %s failed: %s" % (path, error.strip()))


def create_keys(labdir, own_keys):
    """The client keys in labdir and the hosts' own ed25519 keys ({path: host name}:
    host keys, and root's key on hosts that trust others), generated in parallel.
    Returns the passphrase of id_ed25519_pass."""
    passphrase = secrets.token_urlsafe(12)
    processes = []
    for name, (kind, extra, protected) in CLIENT_KEYS.items():
        path = os.path.join(labdir, name)
        processes.append((path, _keygen(path, kind, extra, passphrase if protected else "", KEY_COMMENT)))
    for path, host in own_keys.items():
        processes.append((path, _keygen(path, "ed25519", [], "", "root@" + host)))
    _wait(processes)
    return passphrase


def host_key(path):
    """The public host key line (without comment) and its SHA256 fingerprint."""
    with open(path + ".pub") as f:
        kind, blob = f.read().split()[:2]
    fingerprint = run(["ssh-keygen", "-l", "-E", "sha256", "-f", path + ".pub"]).stdout.split()[1]
    return "%s %s" % (kind, blob), fingerprint


def trusted_root_keys(name, specs, root_keys):
    """authorized_keys lines for root on host `name`: the keys of root on every
    host whose profile entry lists `name` in root_ssh_to."""
    lines = []
    for spec in specs:
        if name in spec.get("root_ssh_to", []):
            with open(root_keys[spec["name"]] + ".pub") as f:
                lines.append(f.read().strip() + "\n")
    return "".join(lines)


def authorized_keys(labdir):
    lines = []
    for name in CLIENT_KEYS:
        with open(os.path.join(labdir, name + ".pub")) as f:
            lines.append(f.read().strip())
    return "\n".join(lines) + "\n"


def _password_hash(password):
    if password is None:
        return "*"
    return run(["openssl", "passwd", "-6", "-stdin"], input=password + "\n").stdout.strip()


def assign_ids(users):
    """Give the non-root users uids/gids that the machine does not use."""
    used = set()
    for table in ("/etc/passwd", "/etc/group"):
        with open(table) as f:
            used.update(int(line.split(":")[2]) for line in f if line.count(":") >= 3)
    uid = FIRST_UID
    for name, user in users.items():
        if name == "root":
            continue
        while uid in used:
            uid += 1
        user["uid"] = uid
        uid += 1


def account_files(users):
    """Contents of the hosts' passwd, shadow and group: the machine's plus the lab users."""
    with open("/etc/passwd") as f:
        passwd = f.read()
    with open("/etc/shadow") as f:
        shadow_lines = f.read().splitlines()
    with open("/etc/group") as f:
        group = f.read()
    today = int(time.time() // 86400)
    hashes = {name: _password_hash(user["password"]) for name, user in users.items()}
    shadow_lines = [("root:%s:%d:0:99999:7:::" % (hashes["root"], today)) if line.startswith("root:") else line
                    for line in shadow_lines]
    for name, user in users.items():
        if name == "root":
            continue
        passwd += "%s:x:%d:%d:XenLab %s:/home/%s:/bin/bash\n" % (name, user["uid"], user["uid"], name, name)
        group += "%s:x:%d:\n" % (name, user["uid"])
        shadow_lines.append("%s:%s:%d:0:99999:7:::" % (name, hashes[name], today))
    return {"passwd": passwd, "shadow": "\n".join(shadow_lines) + "\n", "group": group}


FORWARDED_PREFIX = "fwd-"


def known_hosts(hosts):
    """One plain line per name and per address (migration address included) of every host, and one
    [NAME]:PORT line for each of them per further port its sshd listens on (ssh looks a host up so
    on any port but 22)."""
    lines = []
    for host in hosts:
        for name in (host["name"], host["address"], host.get("migration_address")):
            if name:
                lines.append("%s %s" % (name, host["host_key"]))
                lines.extend("[%s]:%d %s" % (name, port, host["host_key"]) for port in host.get("ssh_ports", []))
    return "\n".join(lines) + "\n"


def _client_names(host):
    """The names under which the machine's ssh meets the host's key: [HOST]:PORT for a forwarded host
    (its name, its fwd- alias and 127.0.0.1), the plain name and address otherwise."""
    if host.get("client") == "forwarded":
        port = host["client_port"]
        return ["[%s]:%d" % (name, port) for name in (host["client_host"], host["name"],
                                                       FORWARDED_PREFIX + host["name"])]
    return [host["name"], host.get("client_host") or host["address"]]


def client_known_hosts(lab):
    """The lab's known_hosts for the machine: every host (and the bastion) under each name the
    lab's ssh_config reaches it by."""
    machines = ([lab["bastion"]] if lab.get("bastion") else []) + lab["hosts"]
    return "".join("%s %s\n" % (name, host["host_key"]) for host in machines for name in _client_names(host))


def _block(labdir, alias, host):
    lines = ["Host %s" % alias,
             "    HostName %s" % (host.get("client_host") or host["address"]),
             "    User root",
             "    Port %d" % host.get("client_port", 22)]
    if host.get("proxy_jump"):
        lines.append("    ProxyJump %s" % host["proxy_jump"])
    return "\n".join(lines + [
        "    IdentityFile %s" % os.path.join(labdir, "id_ed25519"),
        "    IdentitiesOnly yes",
        "    UserKnownHostsFile %s" % os.path.join(labdir, "known_hosts"),
        "    StrictHostKeyChecking yes",
    ])


def ssh_config(labdir, lab):
    """A Host block per host: its address and port 22 (direct), 127.0.0.1 and its forwarder's port under
    its name and its fwd- alias (forwarded), or its internal address through ProxyJump to the bastion,
    which has a block of its own (bastion)."""
    blocks = [_block(labdir, lab["bastion"]["name"], lab["bastion"])] if lab.get("bastion") else []
    for host in lab["hosts"]:
        blocks.append(_block(labdir, host["name"], host))
        if host.get("client") == "forwarded":
            blocks.append(_block(labdir, FORWARDED_PREFIX + host["name"], host))
    return "\n\n".join(blocks) + "\n"
