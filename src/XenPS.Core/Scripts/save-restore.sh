# The guest's state file of Move-XenDomain -SaveTo (SaveRestoreMove), in a folder that the source and the destination
# share at the same path.
#
#   xenps_state_probe FOLDER FILE
#       Prints folder=yes|no (FOLDER is a folder) and file=absent|present (nothing is at FILE, not even a dangling link).
#   xenps_state_save FILE COMMAND...
#       Creates FILE, readable by root only, never over anything that is there (exit 22; 23 when it cannot be created: then
#       COMMAND does not run), then runs COMMAND, the toolstack's save, which writes the guest's state into it; exits with
#       COMMAND's code.
#   xenps_state_size FILE
#       Prints the size of FILE in bytes, or "absent".
#   xenps_state_remove FILE
#       Removes FILE; one already gone is no error. Exit 27 when it is still there.

xenps_state_probe() {
    if [ -d "$1" ]; then echo folder=yes; else echo folder=no; fi
    if [ -e "$2" ] || [ -L "$2" ]; then echo file=present; else echo file=absent; fi
}

xenps_state_save() {
    r_f=$1; shift
    if [ -e "$r_f" ] || [ -L "$r_f" ]; then
        printf '%s\n' "$r_f exists already; nothing was saved" >&2
        exit 22
    fi
    if ! r_e=$( (umask 077; set -C; : > "$r_f") 2>&1 ); then
        printf '%s\n' "cannot create $r_f ($(printf '%s' "$r_e" | tr '\n' ' ')); nothing was saved" >&2
        exit 23
    fi
    "$@"
}

xenps_state_size() {
    if [ -f "$1" ]; then wc -c < "$1" | tr -d ' '; else echo absent; fi
}

xenps_state_remove() {
    rm -f -- "$1"
    if [ -e "$1" ] || [ -L "$1" ]; then exit 27; fi
}

[ $# -eq 0 ] || "$@"
