# shellcheck shell=bash
# Shared by iptables/bip324-redirect and nftables/bip324-redirect (nftables/redirect-common.sh is
# a link to this file): options, group handling, messages and dry-run. Sourced, never run on its own.

DEFAULT_GROUP=redirect_to_bip324-proxy
# P2P ports of mainnet, testnet3, testnet4, signet and regtest.
DEFAULT_PORTS=8333,18333,48333,38333,18444
DEFAULT_PROXY_PORT=1324
# TPROXY router mode: packets with this mark are delivered locally through this routing table.
TPROXY_MARK=0x324
TPROXY_TABLE=324
# Inbound mode: new connections to the node's port go to the proxy's inbound listener; replies of
# the node to peers' addresses (transparent mode) are delivered locally through this table.
DEFAULT_NODE_PORT=8333
DEFAULT_INBOUND_PORT=1325
INBOUND_TABLE=325

ACTION=
GROUP=$DEFAULT_GROUP
PORTS=$DEFAULT_PORTS
PROXY_PORT=$DEFAULT_PROXY_PORT
ROUTER_IFACE=
TPROXY=no
INBOUND=no
NODE_PORT=$DEFAULT_NODE_PORT
INBOUND_PORT=$DEFAULT_INBOUND_PORT
IPV6=yes
NO_IPV6_HOST=no
PURGE=no
DRY_RUN=no

die() {
  echo "$PROG: error: $*" >&2
  exit 1
}

warn() {
  echo "$PROG: warning: $*" >&2
}

info() {
  echo "$PROG: $*"
}

usage() {
  cat <<USAGE
Usage: $PROG install|uninstall|status [OPTIONS]

Redirects TCP connections to Bitcoin P2P ports, made by processes whose PRIMARY group is GROUP
(e.g. started with 'sudo -g GROUP CLIENT'), to bip324-proxy. Supplementary membership in GROUP
does not match. Backend: $BACKEND_DESCRIPTION.

Options:
  --group NAME          redirect group, created by install if missing (default: $DEFAULT_GROUP)
  --ports LIST          comma-separated destination ports (default: $DEFAULT_PORTS)
  --proxy-port PORT     port the proxy listens on (default: $DEFAULT_PROXY_PORT)
  --router-iface IFACE  router mode: also redirect connections arriving on LAN interface IFACE to
                        the proxy on that interface's address, and drop connections to the proxy
                        port from anywhere but IFACE and loopback
  --tproxy              with --router-iface: use TPROXY instead of REDIRECT (the proxy then needs
                        --destination tproxy and CAP_NET_ADMIN); adds the policy route
                        "ip rule fwmark $TPROXY_MARK lookup $TPROXY_TABLE" with "local default dev lo" there
  --inbound             also protect a listening v1 node: redirect new connections arriving (not on
                        lo) for the node's port to the proxy's inbound listener, and add the policy
                        route that brings the node's replies back to the proxy's transparent
                        connections: "ip rule from 127.0.0.1 / ::1 ipproto tcp sport NODE-PORT
                        lookup $INBOUND_TABLE" with "local default dev lo" there. Run the proxy with
                        --inbound 0.0.0.0:INBOUND-PORT=127.0.0.1:NODE-PORT (and [::] / [::1])
                        --inbound-transparent
  --node-port PORT      with --inbound: the port the node listens on (default: $DEFAULT_NODE_PORT)
  --inbound-port PORT   with --inbound: the proxy's inbound listener port (default: $DEFAULT_INBOUND_PORT)
  --no-ipv6             IPv4 rules only (IPv6 peers then bypass the proxy)
  --purge               uninstall: also delete the group
  --dry-run             print what would be done, change nothing
  -h, --help            this text

Exit status: 0 on success; status: 0 when the rules are in place, 3 when they are not; 1 on errors.
USAGE
}

parse_args() {
  [ $# -gt 0 ] || { usage >&2; exit 1; }
  while [ $# -gt 0 ]; do
    case "$1" in
      install | uninstall | status)
        [ -z "$ACTION" ] || die "only one action at a time (got '$ACTION' and '$1')"
        ACTION=$1 ;;
      --group) need_value "$@"; GROUP=$2; shift ;;
      --ports) need_value "$@"; PORTS=$2; shift ;;
      --proxy-port) need_value "$@"; PROXY_PORT=$2; shift ;;
      --router-iface) need_value "$@"; ROUTER_IFACE=$2; shift ;;
      --tproxy) TPROXY=yes ;;
      --inbound) INBOUND=yes ;;
      --node-port) need_value "$@"; NODE_PORT=$2; NODE_PORT_GIVEN=yes; shift ;;
      --inbound-port) need_value "$@"; INBOUND_PORT=$2; NODE_PORT_GIVEN=yes; shift ;;
      --no-ipv6) IPV6=no ;;
      --purge) PURGE=yes ;;
      --dry-run) DRY_RUN=yes ;;
      -h | --help) usage; exit 0 ;;
      *) die "unknown argument '$1'; see '$PROG --help'" ;;
    esac
    shift
  done
  [ -n "$ACTION" ] || die "no action given: use install, uninstall or status"
  validate_options
  detect_ipv6
}

# A host without IPv6 loopback gets IPv4 rules only, like the proxy's default listeners.
detect_ipv6() {
  if [ "$IPV6" = yes ] && ! grep -qs '^0\{31\}1 ' /proc/net/if_inet6; then
    IPV6=no
    NO_IPV6_HOST=yes
    info "IPv6 is not available on this host (no ::1): IPv4 rules only"
  fi
}

need_value() {
  if [ $# -lt 2 ] || [ -z "$2" ]; then
    die "option $1 needs a value; see '$PROG --help'"
  fi
}

validate_options() {
  [[ $GROUP =~ ^[A-Za-z_][A-Za-z0-9_.-]*$ ]] || die "invalid group name '$GROUP'"
  [[ $PORTS =~ ^[0-9]+(,[0-9]+)*$ ]] || die "--ports must be comma-separated numbers, got '$PORTS'"
  local p
  for p in ${PORTS//,/ } "$PROXY_PORT" "$NODE_PORT" "$INBOUND_PORT"; do
    if ! [[ $p =~ ^[0-9]+$ ]] || [ "$p" -lt 1 ] || [ "$p" -gt 65535 ]; then
      die "invalid port '$p' (1..65535)"
    fi
  done
  if [ "${NODE_PORT_GIVEN:-no}" = yes ] && [ "$INBOUND" = no ]; then
    die "--node-port and --inbound-port belong to --inbound"
  fi
  if [ "$INBOUND" = yes ] && [ "$NODE_PORT" = "$INBOUND_PORT" ]; then
    die "--inbound-port must differ from --node-port (connections would loop)"
  fi
  if [ "$TPROXY" = yes ] && [ -z "$ROUTER_IFACE" ]; then
    die "--tproxy is a router mode: give the LAN interface with --router-iface IFACE"
  fi
  if [ -n "$ROUTER_IFACE" ]; then
    [[ $ROUTER_IFACE =~ ^[A-Za-z0-9_.@:-]{1,15}$ ]] || die "invalid interface name '$ROUTER_IFACE'"
  fi
}

require_root() {
  [ "$DRY_RUN" = yes ] || [ "$(id -u)" -eq 0 ] || die "must run as root (try: sudo $PROG $ACTION ...)"
}

require_tool() {
  command -v "$1" >/dev/null 2>&1 || die "'$1' not found; install it (Debian/Ubuntu: apt-get install $2)"
}

# Runs a command, or prints it under --dry-run.
run() {
  if [ "$DRY_RUN" = yes ]; then
    echo "+ $*"
  else
    "$@"
  fi
}

# Runs a command with stdin from $1, or prints both under --dry-run.
run_with_input() {
  local input=$1
  shift
  if [ "$DRY_RUN" = yes ]; then
    echo "+ $* <<'INPUT'"
    printf '%s\n' "$input"
    echo "INPUT"
  else
    printf '%s\n' "$input" | "$@"
  fi
}

group_gid() {
  getent group "$GROUP" | cut -d: -f3 || true
}

# Creates the redirect group if missing and sets GID (a placeholder under --dry-run).
ensure_group() {
  GID=$(group_gid)
  if [ -z "$GID" ]; then
    if [ "$DRY_RUN" = yes ]; then
      echo "+ groupadd --system $GROUP"
      GID="<gid of $GROUP>"
      return
    fi
    require_tool groupadd passwd
    groupadd --system "$GROUP" || die "could not create group '$GROUP' with groupadd; create it by hand and retry"
    GID=$(group_gid)
    [ -n "$GID" ] || die "group '$GROUP' was created but has no gid in the group database"
    info "created system group $GROUP (gid $GID)"
  fi
}

purge_group() {
  [ "$PURGE" = yes ] || return 0
  if [ -n "$(group_gid)" ]; then
    run groupdel "$GROUP" || die "could not delete group '$GROUP'; a user may still have it as primary group"
  fi
}

ip_families() {
  echo -4
  [ "$IPV6" = yes ] && echo -6
  return 0
}

# TPROXY needs marked packets routed to the local host: one ip rule and one route per family.
ensure_tproxy_routing() {
  local family any
  require_tool ip iproute2
  for family in $(ip_families); do
    any=0.0.0.0/0
    [ "$family" = -6 ] && any=::/0
    if [ "$DRY_RUN" = yes ] || [ -z "$(ip "$family" rule show fwmark "$TPROXY_MARK" lookup "$TPROXY_TABLE")" ]; then
      run ip "$family" rule add fwmark "$TPROXY_MARK" lookup "$TPROXY_TABLE" \
        || die "could not add the TPROXY policy rule (ip $family rule add fwmark $TPROXY_MARK lookup $TPROXY_TABLE)"
    fi
    run ip "$family" route replace local "$any" dev lo table "$TPROXY_TABLE" \
      || die "could not add the TPROXY local route in table $TPROXY_TABLE"
  done
}

# Removes what ensure_tproxy_routing added, if anything; used by every uninstall and install.
remove_tproxy_routing() {
  command -v ip >/dev/null 2>&1 || return 0
  local family any
  for family in -4 -6; do
    any=0.0.0.0/0
    [ "$family" = -6 ] && any=::/0
    while [ -n "$(ip "$family" rule show fwmark "$TPROXY_MARK" lookup "$TPROXY_TABLE" 2>/dev/null)" ]; do
      run ip "$family" rule del fwmark "$TPROXY_MARK" lookup "$TPROXY_TABLE" \
        || die "could not delete the TPROXY policy rule (ip $family rule del fwmark $TPROXY_MARK lookup $TPROXY_TABLE)"
      [ "$DRY_RUN" = no ] || break
    done
    if [ -n "$(ip "$family" route show table "$TPROXY_TABLE" 2>/dev/null)" ]; then
      run ip "$family" route del local "$any" dev lo table "$TPROXY_TABLE" \
        || die "could not delete the TPROXY local route in table $TPROXY_TABLE"
    fi
  done
}

# After the rules are loaded: add or drop the TPROXY policy routing to match the mode.
apply_tproxy_routing() {
  if [ "$TPROXY" = yes ]; then
    ensure_tproxy_routing
  else
    remove_tproxy_routing
  fi
}

# Inbound transparent mode: the node answers peers' addresses from its loopback address and port;
# those replies must reach the proxy's transparent sockets on this host.
ensure_inbound_routing() {
  local family any from
  require_tool ip iproute2
  remove_inbound_routing # the node port may have changed
  for family in $(ip_families); do
    any=0.0.0.0/0 from=127.0.0.1
    [ "$family" = -6 ] && any=::/0 from=::1
    run ip "$family" rule add from "$from" ipproto tcp sport "$NODE_PORT" lookup "$INBOUND_TABLE" \
      || die "could not add the inbound policy rule (ip $family rule add from $from ipproto tcp sport $NODE_PORT" \
        "lookup $INBOUND_TABLE; iproute2 and the kernel need 4.17 or later)"
    run ip "$family" route replace local "$any" dev lo table "$INBOUND_TABLE" \
      || die "could not add the inbound local route in table $INBOUND_TABLE"
  done
}

# Removes every rule that looks up our table, and the table's route; used by every uninstall and install.
remove_inbound_routing() {
  command -v ip >/dev/null 2>&1 || return 0
  local family any pref
  for family in -4 -6; do
    any=0.0.0.0/0
    [ "$family" = -6 ] && any=::/0
    for pref in $(ip "$family" rule show lookup "$INBOUND_TABLE" 2>/dev/null | cut -d: -f1); do
      run ip "$family" rule del pref "$pref" lookup "$INBOUND_TABLE" \
        || die "could not delete the inbound policy rule $pref (ip $family rule del pref $pref)"
    done
    if [ -n "$(ip "$family" route show table "$INBOUND_TABLE" 2>/dev/null)" ]; then
      run ip "$family" route del local "$any" dev lo table "$INBOUND_TABLE" \
        || die "could not delete the inbound local route in table $INBOUND_TABLE"
    fi
  done
}

apply_inbound_routing() {
  if [ "$INBOUND" = yes ]; then
    ensure_inbound_routing
  else
    remove_inbound_routing
  fi
}

# Both backends at once redirect and guard the same connections twice; say which one to remove.
# $1: the other backend's name, $2: its table or chain, $3: a command that succeeds if it is loaded.
warn_if_other_backend_loaded() {
  local other=$1 what=$2
  shift 2
  if [ "$DRY_RUN" = no ] && "$@" >/dev/null 2>&1; then
    warn "the $other rules of bip324-redirect ($what) are loaded too: both backends now redirect the same" \
      "connections; remove one with: /usr/local/lib/bip324-proxy/$other/bip324-redirect uninstall" \
      "(or $other/bip324-redirect uninstall in the source tree)"
  fi
}

warn_if_no_ipv6() {
  if [ "$IPV6" = no ] && [ "$NO_IPV6_HOST" = no ]; then
    warn "IPv6 rules disabled: connections to IPv6 peers bypass the proxy (unencrypted v1)"
  fi
}

describe_install() {
  info "redirecting tcp ports $PORTS of processes with primary group $GROUP (gid $GID) to port $PROXY_PORT" \
    "(127.0.0.1$([ "$IPV6" = yes ] && echo ' and [::1]'))"
  if [ "$INBOUND" = yes ]; then
    info "inbound: new connections arriving for port $NODE_PORT go to the proxy's inbound listener on port" \
      "$INBOUND_PORT; the node's replies from port $NODE_PORT to peers are routed back locally (table $INBOUND_TABLE)"
  fi
  if [ "$TPROXY" = yes ]; then
    info "router mode (TPROXY): connections arriving on $ROUTER_IFACE to those ports go to the transparent" \
      "proxy listener on port $PROXY_PORT (mark $TPROXY_MARK, table $TPROXY_TABLE); the proxy port is closed" \
      "to other interfaces"
  elif [ -n "$ROUTER_IFACE" ]; then
    info "router mode: connections arriving on $ROUTER_IFACE to those ports go to the proxy on $ROUTER_IFACE's" \
      "address; the proxy port is closed to other interfaces"
  fi
}
