# The detached migration job on the source dom0 (RemoteMigrationJob): its folder JOB is the lock of one domain's
# migration and holds the toolstack's output (log), the session id of the job's shell (pid), its exit code (rc) and who
# started it (owner), and the interface that routes to the migration target with its sent-bytes counter at the start (dev,
# sent0), from which each poll tells how much the source has sent since.
#
#   xenps_job_start FOLDER JOB OWNER TARGET COMMAND...
#       Takes JOB (made in FOLDER) and runs COMMAND in it detached from this connection; prints "started". When a
#       migration holds JOB, prints its owner and session id on two lines and exits 75; 70 and 71 when the folder or the
#       lock cannot be made.
#   xenps_job_poll JOB FROM CHUNK
#       Prints "gone" (no JOB), "rc:CODE" (ended with CODE), "ended" (its session has no process left and no exit code) or
#       "running" (followed by " BYTES", the bytes sent since the start, where the interface's counter can be read), then the log from byte FROM (counted from 1, as tail -c +FROM counts): at most CHUNK bytes, the last
#       ones of an ended job, the first ones of a running one.
#   xenps_job_release JOB
#       Removes JOB, which releases the lock.

# Whether a process of the job's session SESSION runs. Without pgrep it answers yes, so that a job is never taken for
# ended where that cannot be seen.
xenps_job_alive() {
    command -v pgrep >/dev/null 2>&1 || return 0
    pgrep -s "$1" >/dev/null 2>&1
}

# The sent-bytes counter of interface $1; nothing where it cannot be read.
xenps_job_counter() {
    cat "/sys/class/net/$1/statistics/tx_bytes" 2>/dev/null
}

# Records in $1 the interface that routes to host or address $2 (dev) and its counter now (sent0). A target that
# does not resolve, or a host without ip, records nothing: the polls then tell no bytes.
xenps_job_interface() {
    case $2 in -*) return 0 ;; esac
    j_addr=$(getent ahosts "$2" 2>/dev/null | awk 'NR == 1 { print $1 }')
    j_dev=$(ip route get "${j_addr:-$2}" 2>/dev/null | sed -n 's/.* dev \([^ ]*\).*/\1/p' | head -n 1)
    [ -n "$j_dev" ] || return 0
    j_sent=$(xenps_job_counter "$j_dev") || return 0
    printf '%s\n' "$j_dev" > "$1/dev"
    printf '%s\n' "$j_sent" > "$1/sent0"
}

xenps_job_start() {
    PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH; export PATH
    j_l=$2; j_owner=$3; j_target=$4
    mkdir -p "$1" || exit 70
    shift 4
    if ! mkdir "$j_l" 2>/dev/null; then
        if [ -f "$j_l/rc" ] || { [ -f "$j_l/pid" ] && ! xenps_job_alive "$(cat "$j_l/pid")"; }; then
            { rm -rf -- "$j_l" && mkdir "$j_l"; } || exit 71
        else
            cat "$j_l/owner" 2>/dev/null; cat "$j_l/pid" 2>/dev/null; exit 75
        fi
    fi
    printf '%s\n' "$j_owner" > "$j_l/owner"
    xenps_job_interface "$j_l" "$j_target"
    # The single quotes are the job shell's own script: it expands $0, $$, $@ and $? itself.
    # shellcheck disable=SC2016
    setsid sh -c 'cd /; exec > "$0/log" 2>&1 < /dev/null; echo $$ > "$0/pid"; "$@"; echo $? > "$0/rc.tmp"; mv "$0/rc.tmp" "$0/rc"' \
        "$j_l" "$@" > /dev/null 2>&1 < /dev/null &
    echo started
}

xenps_job_poll() {
    j_l=$1
    if [ ! -d "$j_l" ]; then echo gone; exit 0; fi
    if [ -f "$j_l/rc" ]; then printf 'rc:%s\n' "$(cat "$j_l/rc")"; tail -c "+$2" "$j_l/log" 2>/dev/null | tail -c "$3"; exit 0; fi
    if [ -f "$j_l/pid" ] && ! xenps_job_alive "$(cat "$j_l/pid")" && [ ! -f "$j_l/rc" ]; then
        echo ended; tail -c "+$2" "$j_l/log" 2>/dev/null | tail -c "$3"; exit 0
    fi
    j_sent=
    if [ -f "$j_l/dev" ] && j_now=$(xenps_job_counter "$(cat "$j_l/dev")"); then j_sent=" $((j_now - $(cat "$j_l/sent0")))"; fi
    echo "running$j_sent"; tail -c "+$2" "$j_l/log" 2>/dev/null | head -c "$3"; true
}

xenps_job_release() {
    rm -rf -- "$1"
}

[ $# -eq 0 ] || "$@"
