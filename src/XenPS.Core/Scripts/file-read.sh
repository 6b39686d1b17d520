# Reads a file on a host byte for byte, in chunks (RemoteFile).
#
#   xenps_file_read PATH BYTES
#       Prints the size and the SHA-256 of the file at PATH (a symbolic link followed) on one line, then its first BYTES
#       bytes in base64. Returns 20 when nothing is at PATH (a dangling link counts as nothing), 28 when what is there is
#       not a regular file. It returns instead of exiting, so that it can be a section of a longer script.
#   xenps_file_chunk PATH BYTES INDEX
#       Prints chunk INDEX (counted from 0) of BYTES bytes of the file in base64; 20 when the file is gone.

xenps_file_read() {
    if [ -f "$1" ]; then
        printf '%s %s\n' "$(wc -c < "$1" | tr -d ' ')" "$(sha256sum < "$1" | cut -d ' ' -f 1)"
        dd if="$1" bs="$2" count=1 2>/dev/null | base64
    elif [ -e "$1" ]; then
        printf '%s\n' "$1 is not a regular file" >&2; return 28
    else
        printf '%s\n' "$1 does not exist" >&2; return 20
    fi
}

xenps_file_chunk() {
    [ -f "$1" ] || { printf '%s\n' "$1 is gone" >&2; return 20; }
    dd if="$1" bs="$2" skip="$3" count=1 2>/dev/null | base64
}

[ $# -eq 0 ] || "$@"
