# The guest probe from a dom0: TCP connections to a service in the guest. Runs on the source or the destination.
#
#   xenps_guest_probe HOST PORT INTERVAL_MS CONNECT_MS STOP GRACE_MS LIMIT_S
#
# HOST PORT   the guest's service (checked by XenPS before: a host name or an address, and a port number).
# INTERVAL_MS time between the starts of two attempts.
# CONNECT_MS  how long one attempt waits for the connection.
# STOP        a file: once it exists the loop ends at the next answered attempt, or GRACE_MS later without one;
#             '-' asks at once (one attempt with GRACE_MS 0: the check before the migration).
# LIMIT_S     the loop ends after this many seconds in any case, so nothing is left running when XenPS goes away.
#
# Prints one line per attempt: START END open|closed (milliseconds since the epoch on this host's clock). The rules
# are GuestProbeSchedule's.

xenps_ms() { date +%s%3N; }

xenps_seconds() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }

xenps_guest_probe() {
    g_begin=$(xenps_ms); g_stop=
    while :; do
        g_start=$(xenps_ms)
        # The single quotes are bash's own script, which gets the address and the port as its $1 and $2.
        # shellcheck disable=SC2016
        if timeout "$(xenps_seconds "$4")" bash -c 'exec 3<>"/dev/tcp/$1/$2"' xenps "$1" "$2" >/dev/null 2>&1; then
            g_out=open
        else
            g_out=closed
        fi
        g_end=$(xenps_ms)
        printf '%s %s %s\n' "$g_start" "$g_end" "$g_out"
        if [ -z "$g_stop" ] && { [ "$5" = - ] || [ -e "$5" ]; }; then g_stop=$g_end; fi
        if [ -n "$g_stop" ] && { [ "$g_out" = open ] || [ $((g_end - g_stop)) -ge "$6" ]; }; then return 0; fi
        [ $((g_end - g_begin)) -lt $(($7 * 1000)) ] || return 0
        g_wait=$((g_start + $3 - $(xenps_ms)))
        [ "$g_wait" -le 0 ] || sleep "$(xenps_seconds "$g_wait")"
    done
}

[ $# -eq 0 ] || "$@"
