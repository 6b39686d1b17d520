"""Dispatch: the first argument names the tool (xm, xl, xend) or init-state."""
import argparse
import json
import os
import sys

from xensim import guestnet, paths, state, xend, xl, xm, xmmigrate

USAGE = "usage: xensim {xm|xl|xend} ARGS... | xensim init-state --profile FILE --root DIR [--host NAME] | xensim xc_restore FD DOMID SIZE | xensim guest-service ADDRESS:PORT...\n"


def init_state(args):
    """Write a host's state.json from a lab profile (XENSIM_ROOT-style root directory)."""
    parser = argparse.ArgumentParser(prog="xensim init-state")
    parser.add_argument("--profile", required=True)
    parser.add_argument("--root", required=True)
    parser.add_argument("--host")
    options = parser.parse_args(args)
    with open(options.profile, encoding="utf-8") as f:
        hosts = json.load(f)["hosts"]
    if options.host:
        hosts = [h for h in hosts if h.get("name") == options.host]
    if len(hosts) != 1:
        sys.stderr.write("init-state: the profile must hold exactly one host, or name it with --host\n")
        return 2
    try:
        host = state.from_profile(hosts[0])
    except state.ProfileError as e:
        sys.stderr.write("init-state: %s\n" % e)
        return 2
    root = os.path.abspath(options.root)
    state.save(host, root)
    print(paths.path(paths.STATE_FILE, root))
    return 0


TOOLS = {"xm": xm.main, "xl": xl.main, "xend": xend.main, "init-state": init_state, "xc_restore": xmmigrate.xc_restore,
         "guest-service": guestnet.serve}


def main(argv):
    if not argv or argv[0] not in TOOLS:
        sys.stderr.write(USAGE)
        return 2
    try:
        return TOOLS[argv[0]](argv[1:])
    except BrokenPipeError:
        return 1
