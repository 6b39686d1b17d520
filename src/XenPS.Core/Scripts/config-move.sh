# Moves a domain's configuration file from one host to another (ColdMove says how): the copy is placed on the destination
# without replacing anything there and checked by its SHA-256; only then is the source's file renamed away.
#
#   xenps_config_mode PATH                  prints the octal mode of the regular file PATH
#   xenps_config_place PATH BASE64 SHA256 MODE
#                                           writes the file PATH, which must not exist (or hold exactly SHA256 already:
#                                           then it prints "present"): a new file beside it with the bytes of BASE64 and
#                                           MODE, checked against SHA256, then linked to PATH, which fails when anything
#                                           is there by then. Prints "placed".
#   xenps_config_retire PATH SHA256 NEWPATH renames PATH, which must still hold SHA256, to NEWPATH (or NEWPATH-2 ...
#                                           -9 when that exists), under the file's lock. Prints the new name.
#   xenps_config_unplace PATH SHA256        removes PATH when it still holds SHA256 (undoes a place)
#
# The exit codes: 20 PATH does not exist, 21 PATH holds other bytes, 22 PATH exists already (place) or no free new name
# (retire), 23 no file can be made beside PATH, 24 PATH is not a regular file, 25 the new file is incomplete, 27 the file
# cannot be linked or renamed, 30 another program holds the file's lock.

xenps_config_lock_wait=30

xenps_config_say() { printf '%s\n' "$*" >&2; }

xenps_config_sha() { sha256sum < "$1" | cut -d ' ' -f 1; }

xenps_config_regular() {
    { [ -e "$1" ] || [ -L "$1" ]; } || { xenps_config_say "$1 does not exist"; exit 20; }
    { [ -f "$1" ] && [ ! -L "$1" ]; } || { xenps_config_say "$1 is not a regular file (a symbolic link, a folder...)"; exit 24; }
}

xenps_config_mode() {
    xenps_config_regular "$1"
    stat -c '%a' -- "$1"
}

xenps_config_place() {
    c_p=$1
    if [ -e "$c_p" ] || [ -L "$c_p" ]; then
        if [ -f "$c_p" ] && [ ! -L "$c_p" ] && [ "$(xenps_config_sha "$c_p")" = "$3" ]; then
            printf 'present\n'
            return 0
        fi
        xenps_config_say "$c_p exists already and holds something else"
        exit 22
    fi
    c_t=$(mktemp "$(dirname -- "$c_p")/.xenps.XXXXXX" 2>/dev/null) || { xenps_config_say "cannot create a file beside $c_p (no such folder, read-only file system or no space?)"; exit 23; }
    if ! printf '%s' "$2" | base64 -d > "$c_t" 2>/dev/null || [ "$(xenps_config_sha "$c_t")" != "$3" ] || ! chmod "$4" -- "$c_t"; then
        rm -f -- "$c_t"
        xenps_config_say "the copy of $c_p could not be written completely (no space?)"
        exit 25
    fi
    if ! ln -- "$c_t" "$c_p" 2>/dev/null; then
        rm -f -- "$c_t"
        xenps_config_say "cannot create $c_p (something appeared there meanwhile, or the file system refuses it)"
        exit 27
    fi
    rm -f -- "$c_t"
    printf 'placed\n'
}

xenps_config_retire() {
    c_p=$1
    xenps_config_regular "$c_p"
    if command -v flock >/dev/null 2>&1; then
        exec 9< "$c_p"
        flock -w "$xenps_config_lock_wait" 9 || { xenps_config_say "another program holds the lock of $c_p (flock) for more than $xenps_config_lock_wait seconds; run the command again when it is done"; exit 30; }
    fi
    [ "$(xenps_config_sha "$c_p")" = "$2" ] || { xenps_config_say "$c_p changed since it was read"; exit 21; }
    c_n=$3
    c_i=1
    while [ -e "$c_n" ] || [ -L "$c_n" ]; do
        c_i=$((c_i + 1))
        [ "$c_i" -le 9 ] || { xenps_config_say "$3 and $3-2 to $3-9 exist already"; exit 22; }
        c_n="$3-$c_i"
    done
    ln -- "$c_p" "$c_n" 2>/dev/null || { xenps_config_say "cannot create $c_n (read-only file system?)"; exit 27; }
    rm -f -- "$c_p" || { rm -f -- "$c_n"; xenps_config_say "cannot remove $c_p"; exit 27; }
    printf '%s\n' "$c_n"
}

xenps_config_unplace() {
    xenps_config_regular "$1"
    [ "$(xenps_config_sha "$1")" = "$2" ] || { xenps_config_say "$1 changed since it was written; it was left in place"; exit 21; }
    rm -f -- "$1" || exit 27
}

[ $# -eq 0 ] || "$@"
