# The receive processes of incoming migrations on a destination dom0 (IncomingCopies).
#
#   xenps_receivers
#       Prints the command line of every process in this host's network namespace that mentions migrate-receive or
#       xc_restore, its words separated by 0x1F, one per line. The namespace matters where several hosts share one process
#       table (a lab of simulated dom0s); the scan's own grep may be listed too.

xenps_receivers() {
    x_ns=$(readlink /proc/self/ns/net)
    grep -las -e migrate-receive -e xc_restore /proc/[0-9]*/cmdline | while IFS= read -r x_f; do
        [ "$(readlink "${x_f%/cmdline}/ns/net" 2>/dev/null)" = "$x_ns" ] && tr '\000' '\037' < "$x_f" 2>/dev/null && echo
    done
    true
}

[ $# -eq 0 ] || "$@"
