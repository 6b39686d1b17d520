# Replaces a file on a host so that no edit is lost (RemoteFile.ReplaceAsync says how). The new content comes in base64
# chunks, first to a new file beside the file (beside the target of a symbolic link, which stays a link).
#
#   xenps_file_write PATH BASE64              the new file with the first chunk; prints its path
#   xenps_file_append PATH NEW BASE64         appends a chunk to the new file NEW
#   xenps_file_commit PATH NEW SHA256 OLD_SHA256 OLD_SIZE SUFFIX
#                                             puts the complete new file NEW (SHA256) in the place of the file, which
#                                             must still be the one that was read (OLD_SHA256, OLD_SIZE bytes); the old
#                                             one is kept beside it, named after it with SUFFIX (or -2, -3 ... before
#                                             .bak when that exists). Prints the file written, the backup and the
#                                             number of bytes another program appended meanwhile, one a line.
#   xenps_file_replace PATH BASE64 SHA256 OLD_SHA256 OLD_SIZE SUFFIX
#                                             write and commit at once, for content that fits in one chunk
#   xenps_file_discard NEW                    removes a new file that is not committed
#
# The exit codes: 20 the file does not exist, 21 it changed since it was read, 22 no free backup name, 23 no new file
# can be made beside it, 24 no backup can be made, 25 the new file is incomplete, 26 it cannot get the owner and mode of
# the old one, 27 it cannot be renamed over the file, 29 another program rewrote the file meanwhile, 30 another program
# holds the file's lock.

xenps_file_lock_wait=30

xenps_file_say() { printf '%s\n' "$*" >&2; }

# Sets w_p (the path) and w_f (the file it names, a link followed).
xenps_file_resolve() {
    w_p=$1
    { w_f=$(readlink -f -- "$w_p" 2>/dev/null) && [ -f "$w_f" ]; } || { xenps_file_say "$w_p does not exist"; exit 20; }
}

# Creates the new file w_t beside w_f with the bytes of BASE64.
xenps_file_new() {
    xenps_file_resolve "$1"
    w_t=$(mktemp "$(dirname -- "$w_f")/.xenps.XXXXXX" 2>/dev/null) || { xenps_file_say "cannot create a file beside $w_p (read-only file system or no space?)"; exit 23; }
    printf '%s' "$2" | base64 -d > "$w_t" 2>/dev/null || { rm -f -- "$w_t"; xenps_file_say "the new $w_p could not be written completely (no space?)"; exit 25; }
}

xenps_file_write() {
    xenps_file_new "$1" "$2"
    printf '%s\n' "$w_t"
}

xenps_file_append() {
    w_t=$2
    { [ -f "$w_t" ] && [ ! -L "$w_t" ]; } || { xenps_file_say "the new $1, $w_t, is gone"; exit 25; }
    printf '%s' "$3" | base64 -d >> "$w_t" 2>/dev/null || { rm -f -- "$w_t"; xenps_file_say "the new $1 could not be written completely (no space?)"; exit 25; }
}

xenps_file_commit() {
    w_t=$2
    xenps_file_resolve "$1"
    shift 2
    xenps_file_swap "$@"
}

xenps_file_replace() {
    xenps_file_new "$1" "$2"
    shift 2
    xenps_file_swap "$@"
}

xenps_file_discard() {
    rm -f -- "$1"
}

xenps_file_sha() { sha256sum | cut -d ' ' -f 1; }

# The lock of the file that is at the path now: a lock taken on a file that was renamed away is let go and taken again.
xenps_file_lock() {
    command -v flock >/dev/null 2>&1 || return 0
    w_n=0
    while exec 9< "$w_f" && flock -w "$xenps_file_lock_wait" 9; do
        # -ef is not in POSIX, but dash, bash and busybox sh, the /bin/sh of dom0s, all have it.
        # shellcheck disable=SC3013
        [ "/proc/$$/fd/9" -ef "$w_f" ] && return 0
        exec 9<&-; w_n=$((w_n + 1)); [ "$w_n" -lt 20 ] || break
    done
    xenps_file_say "another program holds the lock of $w_p (flock) for more than $xenps_file_lock_wait seconds; run the command again when it is done"
    exit 30
}

# Whether a process has the backup w_b open.
xenps_file_held() {
    for w_q in /proc/[0-9]*/fd/*; do
        # -ef: see xenps_file_lock.
        # shellcheck disable=SC3013
        [ "$w_q" -ef "$w_b" ] && return 0
    done 2>/dev/null
    return 1
}

# With w_p, w_f and the complete new file w_t set: the lock, the compare, the backup, the rename and the check of the old
# file afterwards.
xenps_file_swap() {
    w_sha=$1; w_old=$2; w_size=$3; w_suffix=$4; w_stem=${4%.bak}
    w_renamed=0; w_mine=
    trap 'rm -f -- "$w_t"; [ -z "$w_mine" ] || [ "$w_renamed" = 1 ] || rm -f -- "$w_mine"' EXIT
    [ "$(dirname -- "$w_t")" = "$(dirname -- "$w_f")" ] || { xenps_file_say "$w_p now names another file than when it was read; read it again and repeat the change"; exit 21; }
    [ "$(xenps_file_sha < "$w_t")" = "$w_sha" ] || { xenps_file_say "the new $w_p could not be written completely (no space?)"; exit 25; }
    { chown --reference="$w_f" "$w_t" && chmod --reference="$w_f" "$w_t"; } || { xenps_file_say "cannot give the new file the owner and mode of $w_p"; exit 26; }
    xenps_file_lock
    [ "$(xenps_file_sha < "$w_f")" = "$w_old" ] || { xenps_file_say "$w_p changed since it was read; read it again and repeat the change"; exit 21; }
    w_b=$w_f$w_suffix; w_n=2
    while [ -e "$w_b" ] && [ "$w_n" -lt 100 ]; do w_b=$w_f$w_stem-$w_n.bak; w_n=$((w_n + 1)); done
    [ ! -e "$w_b" ] || { xenps_file_say "no free backup name beside $w_p; remove old $w_stem-*.bak files"; exit 22; }
    { ln -- "$w_f" "$w_b" 2>/dev/null && w_mine=$w_b; } || { xenps_file_say "cannot create the backup beside $w_p"; exit 24; }
    mv -f -- "$w_t" "$w_f" || { xenps_file_say "cannot rename the new file over $w_p"; exit 27; }
    w_renamed=1; exec 9<&-
    # The old file is now the backup only; wait until nobody who opened it before the rename holds it.
    w_i=0; while [ "$w_i" -lt 100 ] && xenps_file_held; do sleep 0.1 2>/dev/null || sleep 1; w_i=$((w_i + 1)); done
    w_a=0
    if [ "$(xenps_file_sha < "$w_b")" != "$w_old" ]; then
        if [ "$(head -c "$w_size" < "$w_b" | xenps_file_sha)" = "$w_old" ]; then
            xenps_file_lock
            tail -c "+$((w_size + 1))" < "$w_b" >> "$w_f" || { xenps_file_say "another program appended to $w_p while XenPS replaced it, and its lines could not be added to the new file; append them by hand from the end of" "$w_b"; exit 29; }
            w_a=$(($(wc -c < "$w_b") - w_size))
        else
            xenps_file_say "another program rewrote $w_p while XenPS replaced it. XenPS's change is in the file; compare it with the other program's version, kept in" "$w_b" "and merge the two by hand"
            exit 29
        fi
    fi
    printf '%s\n%s\n%s\n' "$w_f" "$w_b" "$w_a"
}

[ $# -eq 0 ] || "$@"
