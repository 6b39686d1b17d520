"""Dispatch: the first argument names the tool (xm, xl, xend) or init-state.

Every call of a simulated tool is a process of its own, and a lab host runs thousands of `xl list`: only the module of the
tool asked for is imported, so that a listing does not load the code of migrations, saves or xend.
"""
import importlib
import os
import sys

USAGE = "usage: xensim {xm|xl|xend} ARGS... | xensim init-state --profile FILE --root DIR [--host NAME] | xensim xc_restore FD DOMID SIZE | xensim guest-service ADDRESS:PORT...\n"


def init_state(args):
    """Write a host's state.json from a lab profile (XENSIM_ROOT-style root directory)."""
    import argparse
    import json

    from xensim import paths, state

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


# Each tool: the module that holds it, and its function there.
TOOLS = {"xm": ("xensim.xm", "main"), "xl": ("xensim.xl", "main"), "xend": ("xensim.xend", "main"),
         "init-state": (__name__, "init_state"), "xc_restore": ("xensim.xmmigrate", "xc_restore"),
         "guest-service": ("xensim.guestnet", "serve")}


def main(argv):
    if not argv or argv[0] not in TOOLS:
        sys.stderr.write(USAGE)
        return 2
    module, function = TOOLS[argv[0]]
    try:
        return getattr(importlib.import_module(module), function)(argv[1:])
    except BrokenPipeError:
        return 1
