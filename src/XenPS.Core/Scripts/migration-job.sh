# The detached migration job on the source dom0 (RemoteMigrationJob): its folder JOB is the lock of one domain's
# migration and holds the toolstack's output (log), the session id of the job's shell (pid), its exit code (rc) and who
# started it (owner).
#
#   xenps_job_start FOLDER JOB OWNER COMMAND...
#       Takes JOB (made in FOLDER) and runs COMMAND in it detached from this connection; prints "started". When a
#       migration holds JOB, prints its owner and session id on two lines and exits 75; 70 and 71 when the folder or the
#       lock cannot be made.
#   xenps_job_poll JOB FROM CHUNK
#       Prints "gone" (no JOB), "rc:CODE" (ended with CODE), "ended" (its session has no process left and no exit code) or
#       "running", then the log from byte FROM (counted from 1, as tail -c +FROM counts): at most CHUNK bytes, the last
#       ones of an ended job, the first ones of a running one.
#   xenps_job_release JOB
#       Removes JOB, which releases the lock.

# Whether a process of the job's session SESSION runs. Without pgrep it answers yes, so that a job is never taken for
# ended where that cannot be seen.
xenps_job_alive() {
    command -v pgrep >/dev/null 2>&1 || return 0
    pgrep -s "$1" >/dev/null 2>&1
}

xenps_job_start() {
    PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH; export PATH
    j_l=$2; j_owner=$3
    mkdir -p "$1" || exit 70
    shift 3
    if ! mkdir "$j_l" 2>/dev/null; then
        if [ -f "$j_l/rc" ] || { [ -f "$j_l/pid" ] && ! xenps_job_alive "$(cat "$j_l/pid")"; }; then
            { rm -rf -- "$j_l" && mkdir "$j_l"; } || exit 71
        else
            cat "$j_l/owner" 2>/dev/null; cat "$j_l/pid" 2>/dev/null; exit 75
        fi
    fi
    printf '%s\n' "$j_owner" > "$j_l/owner"
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
    echo running; tail -c "+$2" "$j_l/log" 2>/dev/null | head -c "$3"; true
}

xenps_job_release() {
    rm -rf -- "$1"
}

[ $# -eq 0 ] || "$@"
