# shellcheck shell=bash
# pgenv.sh — shared helpers for test/run, scripts/demo and test/shell/*.sh.
# Source it; do not execute it.
#
#   ensure_packages [PKG...]   install missing Debian packages (default: the project's set)
#   build_install              make clean; make with -Werror; make install
#   start_cluster [k=v ...]    throwaway cluster in a fresh temp dir; exports PGHOST/PGPORT/PGUSER/PGDATABASE
#   stop_cluster [DIR]         stop one cluster (default: the newest) and remove its dir
#   psql_q ARGS...             psql -X -v ON_ERROR_STOP=1 -q
#   start_nodes "A B ..." [k=v ...], on NAME ARGS...
#                              named clusters (host[NAME], port[NAME]); psql_q on one of them
#   new_region_db DB MART SCALE SEED [ARGS...]
#                              a database with the extension and a generated region
#   loadavg                    the load average the benches print
#
# Every cluster started here is stopped and removed by an EXIT/INT/TERM trap,
# unless KEEP=1.  Call start_cluster in the script's own shell, not in $(...),
# or the trap belongs to the subshell.

# PG_MAJOR picks the server: 15 (Debian 12, the default), 17 (Debian 13) or 18 (Debian unstable).
# test/run runs a major that this host's Debian does not ship in a Debian
# root of its own (scripts/root.sh), where this file is sourced again.
PG_MAJOR=${PG_MAJOR:-15}
PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/$PG_MAJOR/bin/pg_config}
export PG_MAJOR PG_CONFIG

PGENV_PACKAGES=("postgresql-$PG_MAJOR" "postgresql-server-dev-$PG_MAJOR" "postgresql-$PG_MAJOR-pgtap"
    libtap-parser-sourcehandler-pgtap-perl "postgresql-$PG_MAJOR-cron" cppcheck make gcc)

_PGENV_APT_UPDATED=${_PGENV_APT_UPDATED:-}
[[ -v _PGENV_CLUSTERS ]] || _PGENV_CLUSTERS=()   # temp dirs of the clusters this shell started

pgenv_die() { echo "pgenv: $*" >&2; exit 1; }

# The server binaries, by absolute path: PATH may hold unrelated pg_ctl wrappers.
pgbin() { "$PG_CONFIG" --bindir; }

# shellcheck disable=SC2120  # called with no arguments for the default set
ensure_packages() {
    local pkgs=("$@") missing=() p
    ((${#pkgs[@]})) || pkgs=("${PGENV_PACKAGES[@]}")
    for p in "${pkgs[@]}"; do
        [[ $(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null) == installed ]] || missing+=("$p")
    done
    if ((${#missing[@]} == 0)); then echo "all present: ${pkgs[*]}"; return 0; fi
    local cmd="DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
    if ((EUID != 0)); then
        echo "pgenv: missing packages: ${missing[*]}" >&2
        echo "pgenv: install them as root:  apt-get update && $cmd" >&2
        exit 1
    fi
    echo "pgenv: installing ${missing[*]}"
    if [[ -z $_PGENV_APT_UPDATED ]]; then
        apt-get update -q </dev/null
        _PGENV_APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
}

# Explicit "|| return": set -e is off inside a function called as "f || ...".
build_install() {
    make PG_CONFIG="$PG_CONFIG" clean || return
    make PG_CONFIG="$PG_CONFIG" PG_CFLAGS="-Wall -Wextra -Werror" || return
    if ((EUID != 0)) && ! [[ -w $("$PG_CONFIG" --pkglibdir) && -w $("$PG_CONFIG" --sharedir)/extension ]]; then
        echo "pgenv: 'make install' needs root: sudo make PG_CONFIG=$PG_CONFIG install" >&2
        return 1
    fi
    make PG_CONFIG="$PG_CONFIG" install
}

# Run a server binary as the cluster's owner: postgres when we are root
# (initdb and postgres refuse to run as root), else ourselves.  cd / so
# that an unreadable cwd (e.g. /root) does not bother the postgres user.
_pgenv_as_owner() {
    if ((EUID == 0)); then
        (cd / && runuser -u postgres -- "$@")
    else
        (cd / && "$@")
    fi
}

# A port is free when no socket file, listening Unix socket or TCP listener uses it.
_pgenv_port_free() {
    local port=$1 d
    for d in /tmp /var/run/postgresql "${_PGENV_CLUSTERS[@]}"; do
        [[ -e $d/.s.PGSQL.$port || -e $d/.s.PGSQL.$port.lock ]] && return 1
    done
    if command -v ss >/dev/null; then
        ss -Hltn 2>/dev/null | awk '{print $4}' | grep -q ":$port\$" && return 1
        ss -Hlx 2>/dev/null | grep -q "\.s\.PGSQL\.$port\b" && return 1
    fi
    return 0
}

# Add _pgenv_cleanup to the EXIT trap, keeping a trap the caller set before
# (a script that removes its work directory on exit, then starts clusters).
_pgenv_on_exit() {
    local cur
    cur=$(trap -p EXIT)
    [[ $cur == *_pgenv_cleanup* ]] && return 0
    if [[ -n $cur ]]; then
        eval "set -- $cur"   # trap -- 'COMMAND' EXIT
        trap "$3; _pgenv_cleanup" EXIT
    else
        trap _pgenv_cleanup EXIT
    fi
}

_pgenv_cleanup() {
    local d
    for d in "${_PGENV_CLUSTERS[@]}"; do
        if [[ ${KEEP:-} == 1 ]]; then
            echo "==> KEEP=1: cluster left running in $d"
            echo "    connect: $(pgbin)/psql -h $d -p $(cat "$d/port" 2>/dev/null) -U $(cat "$d/user" 2>/dev/null) postgres"
            echo "    stop:    $( ((EUID == 0)) && echo 'runuser -u postgres -- ')$(pgbin)/pg_ctl stop -m immediate -D $d/data && rm -rf $d"
        else
            stop_cluster "$d" || true
        fi
    done
}

start_cluster() {
    local bin dir port locale=C user setting
    bin=$(pgbin) || pgenv_die "no pg_config at $PG_CONFIG (run ensure_packages)"
    dir=$(mktemp -d /tmp/sferum_kpi_pg.XXXXXX)
    # Register first, so that a failing initdb/start still cleans up.
    _PGENV_CLUSTERS+=("$dir")
    _pgenv_on_exit
    trap 'exit 130' INT
    trap 'exit 143' TERM

    if ((EUID == 0)); then
        user=postgres
        chown postgres:postgres "$dir"
    else
        user=$(id -un)
    fi
    locale -a 2>/dev/null | grep -qixE 'c\.utf-?8' && locale=C.UTF-8

    port=$((20000 + (RANDOM * 32768 + RANDOM) % 40001))
    until _pgenv_port_free "$port"; do port=$((20000 + (RANDOM * 32768 + RANDOM) % 40001)); done
    echo "$port" >"$dir/port"
    echo "$user" >"$dir/user"

    _pgenv_as_owner "$bin/initdb" -D "$dir/data" --auth=trust --encoding=UTF8 --locale="$locale" \
        --no-sync --no-instructions >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; pgenv_die "initdb failed"; }

    # Settings go into postgresql.conf rather than pg_ctl -o, which goes
    # through /bin/sh and would need its own quoting.
    {
        echo "# added by scripts/pgenv.sh"
        for setting in "listen_addresses=" "unix_socket_directories=$dir" "port=$port" \
            max_worker_processes=8 max_parallel_workers=4 max_parallel_workers_per_gather=2 \
            fsync=off full_page_writes=off synchronous_commit=off "$@"; do
            [[ $setting == *=* ]] || pgenv_die "start_cluster: setting '$setting' is not name=value"
            local name=${setting%%=*} value=${setting#*=}
            value=${value#\'} value=${value%\'}
            printf "%s = '%s'\n" "$name" "${value//\'/\'\'}"
        done
    } >>"$dir/data/postgresql.conf"

    if ! _pgenv_as_owner "$bin/pg_ctl" start -w -t 120 -D "$dir/data" -l "$dir/server.log" >/dev/null; then
        echo "pgenv: server failed to start; last lines of $dir/server.log:" >&2
        tail -n 40 "$dir/server.log" >&2 || true
        stop_cluster "$dir"
        pgenv_die "pg_ctl start failed"
    fi

    export PGHOST=$dir PGPORT=$port PGUSER=$user PGDATABASE=postgres
    echo "pgenv: cluster up: PGHOST=$PGHOST PGPORT=$PGPORT PGUSER=$PGUSER"
}

stop_cluster() {
    local dir=${1:-}
    if [[ -z $dir ]]; then
        ((${#_PGENV_CLUSTERS[@]})) || return 0
        dir=${_PGENV_CLUSTERS[-1]}
    fi
    if [[ -f $dir/data/postmaster.pid ]]; then
        _pgenv_as_owner "$(pgbin)/pg_ctl" stop -w -m immediate -D "$dir/data" >/dev/null 2>&1 ||
            echo "pgenv: could not stop the cluster in $dir" >&2
    fi
    rm -rf "$dir"
    local rest=() d
    for d in "${_PGENV_CLUSTERS[@]}"; do [[ $d == "$dir" ]] || rest+=("$d"); done
    _PGENV_CLUSTERS=("${rest[@]}")
    # If that was the cluster PG* points at, point at the newest one left.
    if [[ ${PGHOST:-} == "$dir" ]] && ((${#_PGENV_CLUSTERS[@]})); then
        d=${_PGENV_CLUSTERS[-1]}
        PGHOST=$d PGPORT=$(<"$d/port") PGUSER=$(<"$d/user")
        export PGHOST PGPORT PGUSER
    fi
}

psql_q() { "$(pgbin)/psql" -X -v ON_ERROR_STOP=1 -q "$@"; }

# The load average (1, 5, 15 minutes) the benches print next to their timings:
# the machine is shared; "unknown" where /proc is not mounted (a bare root).
loadavg() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown; }

# new_region_db DB MART SCALE SEED [psql-args...]: a new database DB with the
# extension and the data mart MART holding a region made by
# scripts/generate_region.sql at that scale and seed (more -v settings, such as
# until or region, in psql-args).
new_region_db() {
    local db=$1 mart=$2 scale=$3 seed=$4
    shift 4
    psql_q -c "CREATE DATABASE $db"
    psql_q -d "$db" -c 'CREATE EXTENSION sferum_kpi' -c "SELECT sferum_kpi.create_mart('$mart')" >/dev/null
    psql_q -d "$db" -v mart="$mart" -v scale="$scale" -v seed="$seed" "$@" -f scripts/generate_region.sql >/dev/null
}

# Several named clusters (the shard and coordinator tests and benches):
#   start_nodes "shard1 shard2 coord" [name=value ...]
# starts one throwaway cluster per name with those settings; host[NAME] and
# port[NAME] say where each listens, and `on NAME psql-args...` runs psql_q
# there, in the database db[NAME] when the caller set one.
start_nodes() {
    local names=$1 node
    shift
    declare -gA host port db
    for node in $names; do
        start_cluster "$@" >/dev/null
        host[$node]=$PGHOST port[$node]=$PGPORT
    done
}
on() {
    local node=$1
    shift
    PGHOST=${host[$node]} PGPORT=${port[$node]} psql_q ${db[$node]:+-d "${db[$node]}"} "$@"
}
