# The storage probe of Test-XenMigrationReadiness (StoragePlan): whether the images of the domains are on storage that
# the source and the destination share. A marker file written beside the images on the source and seen on the destination
# is the proof.
#
#   xenps_storage_source COUNT [INDEX PATH MARKER]... [MARKER_PATH]...
#       COUNT paths, each given by its index, its path and the index of the marker of its folder, then the path of every
#       marker in index order. Prints disk.INDEX=block|file|folder|other|missing for each path, and for each marker
#       marker.J=created|not-needed|failed REASON: a marker is created (never over an existing file) only in a folder
#       where some image is a regular file, or for a path given with +J instead of J (a folder that must be proved
#       shared itself, such as Move-XenDomain -SaveTo's) when that path is a folder.
#   xenps_storage_destination COUNT [INDEX PATH]... [J MARKER_PATH]...
#       COUNT paths, each given by its index and its path, then the markers created on the source, each with its index.
#       Prints disk.INDEX=KIND for each disk and marker.J=seen-removed|seen|unseen for each marker: one seen is deleted.
#   xenps_storage_remove MARKER_PATH...
#       Deletes the markers; one already gone is no error.
#
# Every value is one line: a failure's message has its newlines made blanks.

xenps_storage_kind() {
    if [ -b "$1" ]; then echo block; elif [ -f "$1" ]; then echo file; elif [ -d "$1" ]; then echo folder; elif [ -e "$1" ]; then echo other; else echo missing; fi
}

xenps_storage_source() {
    s_n=$1; shift
    s_need=
    while [ "$s_n" -gt 0 ]; do
        s_k=$(xenps_storage_kind "$2"); printf 'disk.%s=%s\n' "$1" "$s_k"
        case $3 in
            +*) [ "$s_k" != folder ] || s_need="$s_need ${3#+} " ;;
            *) [ "$s_k" != file ] || s_need="$s_need $3 " ;;
        esac
        shift 3; s_n=$((s_n - 1))
    done
    s_j=0
    for s_m in "$@"; do
        case $s_need in
            *" $s_j "*)
                if s_e=$( (set -C; : > "$s_m") 2>&1 ); then echo "marker.$s_j=created"
                else printf 'marker.%s=failed %s\n' "$s_j" "$(printf '%s' "$s_e" | tr '\n' ' ')"; fi ;;
            *) echo "marker.$s_j=not-needed" ;;
        esac
        s_j=$((s_j + 1))
    done
}

xenps_storage_destination() {
    s_n=$1; shift
    while [ "$s_n" -gt 0 ]; do
        printf 'disk.%s=%s\n' "$1" "$(xenps_storage_kind "$2")"
        shift 2; s_n=$((s_n - 1))
    done
    while [ $# -gt 0 ]; do
        if [ -e "$2" ]; then
            if rm -f -- "$2" 2>/dev/null && [ ! -e "$2" ]; then echo "marker.$1=seen-removed"; else echo "marker.$1=seen"; fi
        else
            echo "marker.$1=unseen"
        fi
        shift 2
    done
}

xenps_storage_remove() {
    rm -f -- "$@"
}

[ $# -eq 0 ] || "$@"
