# The migration target: how the source dom0 reaches the destination. Runs on the source.
#
#   xenps_target MODE PORT SSH LOCAL CANDIDATE...
#
# MODE   xm: the target is a relocation server at PORT, reached over IPv4 as xend connects (AF_INET);
#        xl: the target is what the source's own ssh makes of the name (`SSH -G`: host name, port, user).
# PORT   xm: the relocation port; xl: ignored (ssh's own port for the name).
# SSH    xl: the ssh command xl runs (xl migrate -s), split into words; empty means ssh.
# LOCAL  yes: a candidate that is a loopback or the source's own address may be chosen (an explicit target).
#
# Each candidate is tried in order: resolved, refused when it is the source itself, then a TCP connection is tried
# (5 s). For xl, a name that the source's ssh reaches through a ProxyJump or ProxyCommand of its own is not tried over
# TCP (the proxy decides the way) and counts as reached: the ssh login test then tells. The first that accepts the
# connection is chosen; when none does, the first whose host answered (refused the
# port) is chosen, so that the checks can say what is closed. For every candidate tried it prints N.key=value lines
# (candidate, host, port, user, address, outcome, message), then chosen=N (or chosen=) and, for the chosen one, the
# route to it. It leaves the choice in t_host (the name to give the toolstack), t_addr and t_port for later sections
# of the same script, and returns 0 when a target was chosen, 3 when none was. Every value is one line (the first line of
# what ssh -G says, an error message with its newlines made blanks), so that no value can add a line of its own.

xenps_resolve() {
    case "$1" in
        *:*|[0-9]*.[0-9]*.[0-9]*.[0-9]*)
            if printf '%s\n' "$1" | grep -Eq '^([0-9]{1,3}\.){3}[0-9]{1,3}$|:'; then printf '%s\n' "$1"; return 0; fi ;;
    esac
    if [ "$2" = xm ]; then
        getent ahostsv4 "$1" 2>/dev/null | { read -r a _ && printf '%s\n' "$a"; }
    else
        getent ahosts "$1" 2>/dev/null | { read -r a _ && printf '%s\n' "$a"; }
    fi
}

xenps_is_local() {
    case "$1" in 127.*|::1) return 0 ;; esac
    ip -o addr show 2>/dev/null | awk -v a="$1" '{ split($4, p, "/"); if (p[1] == a) f = 1 } END { exit !f }'
}

xenps_target() {
    t_mode=$1; t_port_given=$2; t_ssh=${3:-ssh}; t_local=$4
    shift 4
    t_host=; t_addr=; t_port=
    t_i=0; t_chosen=; t_fallback=
    for t_c in "$@"; do
        t_name=$t_c; t_p=$t_port_given; t_user=; t_msg=; t_proxy=; t_out=; t_a=
        if [ "$t_mode" = xl ]; then
            set -f
            if t_g=$($t_ssh -G -- "$t_c" 2>/dev/null); then
                t_name=$(printf '%s\n' "$t_g" | sed -n 's/^hostname //p' | head -n 1)
                t_p=$(printf '%s\n' "$t_g" | sed -n 's/^port //p' | head -n 1)
                t_user=$(printf '%s\n' "$t_g" | sed -n 's/^user //p' | head -n 1)
                t_proxy=$(printf '%s\n' "$t_g" | sed -n 's/^proxyjump //p; s/^proxycommand //p' | head -n 1)
            else
                t_p=22
                t_msg="'$t_ssh -G' did not answer; port 22 assumed"
            fi
            set +f
        fi
        if [ -n "$t_proxy" ] && [ "$t_proxy" != none ]; then
            t_out=proxied; t_msg=$t_proxy
        else
            t_a=$(xenps_resolve "$t_name" "$t_mode")
        fi
        if [ -n "$t_out" ]; then
            :
        elif [ -z "$t_a" ]; then
            t_out=unresolved
        elif [ "$t_local" != yes ] && xenps_is_local "$t_a"; then
            t_out=self
        else
            # The single quotes are bash's own script, which gets the address and the port as its $1 and $2.
            # shellcheck disable=SC2016
            t_err=$(timeout 5 bash -c 'exec 3<>"/dev/tcp/$1/$2"' xenps "$t_a" "$t_p" 2>&1 >/dev/null)
            case $? in
                0) t_out=open ;;
                124) t_out=timeout ;;
                126|127) t_out=unavailable; t_msg=$(printf '%s' "$t_err" | tr '\n' ' ') ;;
                *) t_out=refused; t_msg=$(printf '%s\n' "$t_err" | sed -n '$s/.*: //p') ;;
            esac
        fi
        printf '%s.candidate=%s\n%s.host=%s\n%s.port=%s\n%s.user=%s\n%s.address=%s\n%s.outcome=%s\n%s.message=%s\n' \
            "$t_i" "$t_c" "$t_i" "$t_name" "$t_i" "$t_p" "$t_i" "$t_user" "$t_i" "$t_a" "$t_i" "$t_out" "$t_i" "$t_msg"
        if [ "$t_out" = open ] || [ "$t_out" = proxied ]; then
            t_chosen=$t_i; t_host=$t_c; t_addr=$t_a; t_port=$t_p
            break
        fi
        if [ "$t_out" = refused ] && [ -z "$t_fallback" ]; then
            t_fallback=$t_i; t_fb_host=$t_c; t_fb_addr=$t_a; t_fb_port=$t_p
        fi
        t_i=$((t_i + 1))
    done
    # t_host and t_port are for the sections that follow this one in the same script.
    # shellcheck disable=SC2034
    if [ -z "$t_chosen" ] && [ -n "$t_fallback" ]; then
        t_chosen=$t_fallback; t_host=$t_fb_host; t_addr=$t_fb_addr; t_port=$t_fb_port
    fi
    printf 'chosen=%s\n' "$t_chosen"
    [ -n "$t_chosen" ] || return 3
    [ -z "$t_addr" ] || printf 'route=%s\n' "$(ip route get "$t_addr" 2>&1 | tr '\n' ' ')"
}

[ $# -eq 0 ] || "$@"
