#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server on loopback, then stops it.
#
#   Scripts/with-postgres.sh swift test
#
# Installs the Debian `postgresql` package when it is missing, initialises a fresh cluster
# in a temporary directory as a non-root user (the `postgres` system user when run as root,
# yourself otherwise), starts it on a free loopback port with trust authentication, creates
# the `roasproof` database and exports ROASPROOF_POSTGRES_URL for the command. The cluster
# is stopped and deleted when the command ends, whatever its outcome.
set -euo pipefail

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    echo "with-postgres: installing postgresql"
    sudo_cmd=()
    [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
    export DEBIAN_FRONTEND=noninteractive
    "${sudo_cmd[@]}" apt-get update -qq
    "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends postgresql
fi
bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

run_as=()
if [ "$(id -u)" -eq 0 ]; then
    run_as=(runuser -u postgres --)
fi

datadir=$(mktemp -d /tmp/roasproof-pg.XXXXXX)
chmod 700 "$datadir"
[ "$(id -u)" -eq 0 ] && chown postgres: "$datadir"

# A free port: ask the kernel for one, then hand it to PostgreSQL.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')

cleanup() {
    "${run_as[@]}" "$bindir/pg_ctl" -D "$datadir" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$datadir"
}
trap cleanup EXIT
# A signal (Ctrl-C, a CI timeout) must run the cleanup too: exit through the EXIT trap.
trap 'exit 130' INT
trap 'exit 143' TERM HUP

"${run_as[@]}" "$bindir/initdb" -D "$datadir" -U roasproof --auth=trust --encoding=UTF8 --no-locale >/dev/null
"${run_as[@]}" "$bindir/pg_ctl" -D "$datadir" -l "$datadir/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$datadir -c fsync=on -c max_connections=200" \
    start >/dev/null
"${run_as[@]}" "$bindir/createdb" -h 127.0.0.1 -p "$port" -U roasproof roasproof

export ROASPROOF_POSTGRES_URL="postgres://roasproof@127.0.0.1:$port/roasproof"
echo "with-postgres: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
"$@"
