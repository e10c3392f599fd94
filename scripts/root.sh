# shellcheck shell=bash
# root.sh — Debian roots (chroot) for another PostgreSQL major or a clean
# install test.  Source it; do not execute it.  Needs root and debootstrap.
#
#   root_suite MAJOR           Debian suite that ships PostgreSQL MAJOR: 15 bookworm, 17 trixie, 18 sid
#   root_ensure MAJOR          the cached pristine root for MAJOR (created when missing); prints its path
#   root_copy MAJOR            a throwaway copy of it, removed on exit, in $ROOT_DIR
#                              (call it in the script's own shell, not in $(...),
#                              or the cleanup trap belongs to the subshell)
#   root_put_tree DIR ROOT     the repository's files (tracked and untracked-not-ignored) into ROOT/src
#   root_run ROOT CMD...       CMD inside ROOT as root, with a clean environment plus ROOT_ENV
#   root_mount_proc ROOT       mount /proc in a copy (unmounted with it)
#   root_wanted MAJOR          true when MAJOR must run in a root: this host's Debian does
#                              not ship it (or SFERUM_CHROOT=1), and we are not in one already
#   root_exec_tree MAJOR CMD   CMD in /src of a fresh copy of the root for MAJOR, holding
#                              this repository; its output and exit status are CMD's.
#                              ROOT_PROC=1 mounts /proc in the copy first (postgresql-common's
#                              pg_ctlcluster, used by pg_virtualenv, needs it); unmounted on exit
#
# The cache is $SFERUM_ROOT_CACHE (default /var/cache/sferum_kpi), one
# directory per root: bookworm-pg15, trixie-pg17.  A root is complete when
# its marker file .sferum_kpi-ready holds the APT sources and the package
# list it was made with;
# an incomplete or outdated root is made again.  Roots are created with
#   debootstrap --variant=minbase SUITE DIR MIRROR
# where MIRROR is the Debian mirror of this host's APT sources
# (SFERUM_MIRROR overrides it); the root's APT then has SUITE, SUITE-updates
# and SUITE-security, like a Debian host.  The pristine root is never used directly:
# tests run in a copy (root_copy: an overlay, or cp -a where overlay mounts
# are refused; SFERUM_ROOT_OVERLAY=0 forces the copy), so every run starts
# from the same state.
#
# Inside a root nothing is started by package scripts (policy-rc.d says no,
# and postgresql-common creates no "main" cluster).  Processes left inside a
# copy when it is removed (there should be none) are killed by PID.

SFERUM_ROOT_CACHE=${SFERUM_ROOT_CACHE:-/var/cache/sferum_kpi}
# What the suite and the package build need inside a root; @M@ is the major.
ROOT_PACKAGES=(postgresql-@M@ postgresql-server-dev-@M@ postgresql-@M@-pgtap postgresql-@M@-cron
    libtap-parser-sourcehandler-pgtap-perl build-essential cppcheck
    postgresql-server-dev-all debhelper dpkg-dev)
ROOT_ENV=()                       # extra NAME=value for root_run
[[ -v _ROOT_COPIES ]] || _ROOT_COPIES=()

root_die() { echo "root: $*" >&2; exit 1; }

root_suite() {
    case $1 in
        15) echo bookworm ;;
        17) echo trixie ;;
        18) echo sid ;;
        *) root_die "no Debian suite known for PostgreSQL $1 (15: bookworm, 17: trixie, 18: sid)" ;;
    esac
}

# The URI of this host's APT entry for SUITE (deb822 .sources or one-line
# .list); empty when there is none.  Third-party entries name other suites.
_root_host_uri() {
    local suite=$1 f uri
    for f in /etc/apt/sources.list.d/*.sources; do
        [[ -f $f ]] || continue
        uri=$(awk -v s="$suite" '
            /^[ \t]*$/ { if (ok && u != "") { print u; exit } ok = 0; u = ""; next }
            tolower($1) == "uris:" { u = $2 }
            tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i == s) ok = 1 }
            END { if (ok && u != "") print u }' "$f" | head -n1)
        [[ -n $uri ]] && { echo "$uri"; return; }
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [[ -f $f ]] || continue
        uri=$(awk -v s="$suite" '$1 == "deb" {
                i = 2; if ($i ~ /^\[/) while ($i !~ /\]$/) i++; if ($i ~ /\]$/ && $i ~ /^\[|=/) i++
                if ($(i + 1) == s) { print $i; exit } }' "$f")
        [[ -n $uri ]] && { echo "$uri"; return; }
    done
}

_root_host_codename() { (. /etc/os-release && echo "${VERSION_CODENAME:-}"); }

# The Debian mirror this host's APT uses (SFERUM_MIRROR overrides it), and its
# security mirror (SFERUM_SECURITY_MIRROR).
root_mirror() {
    local uri
    uri=${SFERUM_MIRROR:-$(_root_host_uri "$(_root_host_codename)")}
    echo "${uri:-http://deb.debian.org/debian}"
}
root_security_mirror() {
    local uri
    uri=${SFERUM_SECURITY_MIRROR:-$(_root_host_uri "$(_root_host_codename)-security")}
    echo "${uri:-http://deb.debian.org/debian-security}"
}

# The root's APT sources: the release with its updates and security
# updates, as a Debian host has them (the server's minor releases and their
# messages differ: 15.18 in bookworm, 15.20 in bookworm-security).
_root_sources() {
    local suite=$1
    echo "deb $(root_mirror) $suite main"
    # unstable has no updates or security suites
    [[ $suite == sid ]] && return
    echo "deb $(root_mirror) $suite-updates main"
    echo "deb $(root_security_mirror) $suite-security main"
}

_root_packages() {
    local p
    for p in "${ROOT_PACKAGES[@]}"; do echo "${p//@M@/$1}"; done
}

# Create (when missing or incomplete) the pristine root for MAJOR; print its path.
# Progress goes to stderr, so that $(root_ensure 17) is just the path.
root_ensure() {
    local major=$1 suite dir want mirror t0
    suite=$(root_suite "$major")
    dir=$SFERUM_ROOT_CACHE/$suite-pg$major
    want=$(_root_sources "$suite"; _root_packages "$major")
    mkdir -p "$SFERUM_ROOT_CACHE"
    # One creator at a time; others wait and then reuse its root.
    exec {_root_lock}>"$SFERUM_ROOT_CACHE/.lock-$suite-pg$major"
    flock "$_root_lock"
    if [[ -f $dir/.sferum_kpi-ready && $(<"$dir/.sferum_kpi-ready") == "$want" ]]; then
        flock -u "$_root_lock"
        echo "root: reusing $dir" >&2
        echo "$dir"
        return 0
    fi
    if ! command -v debootstrap >/dev/null; then
        echo "root: installing debootstrap" >&2
        { apt-get update -q && apt-get install -y -q --no-install-recommends debootstrap; } </dev/null >&2 ||
            root_die "could not install debootstrap"
    fi
    mirror=$(root_mirror)
    t0=$SECONDS
    echo "root: creating $dir (debootstrap --variant=minbase $suite, mirror $mirror)" >&2
    rm -rf "$dir" "$dir.new"
    if ! debootstrap --variant=minbase "$suite" "$dir.new" "$mirror" >"$SFERUM_ROOT_CACHE/$suite-pg$major.log" 2>&1; then
        tail -n 30 "$SFERUM_ROOT_CACHE/$suite-pg$major.log" >&2
        root_die "debootstrap failed (log: $SFERUM_ROOT_CACHE/$suite-pg$major.log)"
    fi
    echo "root: debootstrap took $((SECONDS - t0)) s" >&2
    _root_sources "$suite" >"$dir.new/etc/apt/sources.list"
    # No service may start inside the root, and no default cluster is wanted.
    printf '#!/bin/sh\nexit 101\n' >"$dir.new/usr/sbin/policy-rc.d"
    chmod 755 "$dir.new/usr/sbin/policy-rc.d"
    mkdir -p "$dir.new/etc/postgresql-common"
    echo "create_main_cluster = false" >"$dir.new/etc/postgresql-common/createcluster.conf"
    # unstable's snapshot on the mirror may be past its Valid-Until date
    [[ $suite == sid ]] && echo 'Acquire::Check-Valid-Until "false";' >"$dir.new/etc/apt/apt.conf.d/99sferum-kpi-valid-until"
    t0=$SECONDS
    # postgresql-common's maintainer scripts (newer ones) need /proc
    mount -t proc proc "$dir.new/proc" || root_die "cannot mount /proc in $dir.new"
    local rc=0
    # shellcheck disable=SC2046  # one word per package
    root_run "$dir.new" sh -c 'apt-get update -q && apt-get install -y -q --no-install-recommends "$@" && apt-get clean' \
        sh $(_root_packages "$major") >>"$SFERUM_ROOT_CACHE/$suite-pg$major.log" 2>&1 </dev/null || rc=$?
    umount "$dir.new/proc" || umount -l "$dir.new/proc"
    if ((rc != 0)); then
        tail -n 30 "$SFERUM_ROOT_CACHE/$suite-pg$major.log" >&2
        root_die "package install in $dir.new failed (log: $SFERUM_ROOT_CACHE/$suite-pg$major.log)"
    fi
    echo "root: package install took $((SECONDS - t0)) s" >&2
    echo "$want" >"$dir.new/.sferum_kpi-ready"
    mv "$dir.new" "$dir"
    flock -u "$_root_lock"
    echo "$dir"
}

_root_kill_inside() {
    local root=$1 p r
    for p in /proc/[0-9]*; do
        r=$(readlink "$p/root" 2>/dev/null) || continue
        if [[ $r == "$root" ]]; then
            echo "root: killing process ${p#/proc/} left inside $root" >&2
            kill -9 "${p#/proc/}" 2>/dev/null || true
        fi
    done
}

_root_cleanup() {
    local d
    for d in "${_ROOT_COPIES[@]}"; do
        _root_kill_inside "$d/root"
        # Never follow a mount into the host's /proc.
        if mountpoint -q "$d/root/proc"; then umount "$d/root/proc" || umount -l "$d/root/proc"; fi
        if mountpoint -q "$d/root"; then umount "$d/root" || umount -l "$d/root"; fi
        rm -rf --one-file-system "$d"
    done
    _ROOT_COPIES=()
}

# A throwaway copy of the pristine root for MAJOR in $ROOT_DIR, removed on
# exit: an overlay mount on the pristine root where the kernel allows it
# (instant), else a full copy (cp -a, about 15 s).
root_copy() {
    local src base
    src=$(root_ensure "$1") || return
    ROOT_SRC=$src
    base=$(mktemp -d "/var/tmp/sferum_kpi-root-$1.XXXXXX")
    _ROOT_COPIES+=("$base")
    trap _root_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    ROOT_DIR=$base/root
    mkdir "$base/upper" "$base/work" "$ROOT_DIR"
    if [[ ${SFERUM_ROOT_OVERLAY:-1} == 1 ]] &&
        mount -t overlay overlay -o "lowerdir=$src,upperdir=$base/upper,workdir=$base/work" "$ROOT_DIR" 2>/dev/null; then
        ROOT_HOW=overlay
    else
        cp -a "$src/." "$ROOT_DIR/"
        ROOT_HOW=copy
    fi
}

# Copy the repository at DIR (its tracked files plus untracked files that are
# not ignored, as they are in the work tree) into ROOT/src.
root_put_tree() {
    local dir=$1 root=$2
    rm -rf "$root/src"
    mkdir -p "$root/src"
    if git -C "$dir" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        (cd "$dir" && git ls-files -z --cached --others --exclude-standard |
            while IFS= read -r -d '' f; do [[ -e $f || -L $f ]] && printf '%s\0' "$f"; done |
            tar --null -T - -cf -) | tar -C "$root/src" -xf -
    else
        # Not a git checkout (e.g. an unpacked tarball): take everything.
        tar -C "$dir" --exclude=./.git -cf - . | tar -C "$root/src" -xf -
    fi
}

# /proc inside a copy (root_copy's cleanup unmounts it).
root_mount_proc() {
    mountpoint -q "$1/proc" || mount -t proc proc "$1/proc" || root_die "cannot mount /proc in $1"
}

root_wanted() {
    [[ -z ${SFERUM_IN_ROOT:-} ]] || return 1
    [[ ${SFERUM_CHROOT:-} == 1 ]] && return 0
    local host
    host=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    [[ $(root_suite "$1") != "$host" ]]
}

# Knobs of the suite and the scripts that reach a run inside a root.
ROOT_PASS_VARS=(CI SKIP_INSTALL FUZZ_SECONDS FUZZ_SEED FUZZ_TRACE GENERATOR_SCALE VIEWS_DIFF_SCALE
    SHARD_SCALE CONCURRENT_LOAD_SECONDS CONCURRENT_LOAD_SCALE DEMO_SCALE DEMO_SEED)

root_exec_tree() {
    local major=$1 v rc=0 t0=$SECONDS
    shift
    ((EUID == 0)) || root_die "a Debian root needs root (chroot, debootstrap)"
    root_copy "$major" || return
    root_put_tree . "$ROOT_DIR"
    [[ ${ROOT_PROC:-} == 1 ]] && root_mount_proc "$ROOT_DIR"
    echo "root: PostgreSQL $major in $ROOT_DIR ($ROOT_HOW of $ROOT_SRC, ready in $((SECONDS - t0)) s)"
    ROOT_ENV=(PG_MAJOR="$major" SFERUM_IN_ROOT=1)
    for v in "${ROOT_PASS_VARS[@]}"; do [[ -v $v ]] && ROOT_ENV+=("$v=${!v}"); done
    root_run "$ROOT_DIR" bash -c 'cd /src && exec "$@"' bash "$@" </dev/null || rc=$?
    return "$rc"
}

root_run() {
    local root=$1
    shift
    chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive TERM=dumb "${ROOT_ENV[@]}" "$@"
}
