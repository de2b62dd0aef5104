#!/usr/bin/env bash
# A throwaway PostgreSQL server on loopback for the ledger's tests.
#   eval "$(tools/throwaway_pg.sh start)"   # exports GPS_TEST_PG_URL and GPS_TEST_PG_DIR
#   tools/throwaway_pg.sh stop "$GPS_TEST_PG_DIR"
# The cluster lives in a new temporary folder, owned by an unprivileged user when run as root
# (PostgreSQL refuses to run as root), trusts only local connections, and is deleted on stop.
set -euo pipefail
PGBIN="${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"

as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}

case "${1:-}" in
start)
    if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
        echo "throwaway_pg: no PostgreSQL server binaries (apt-get install postgresql)" >&2
        exit 1
    fi
    dir="$(mktemp -d /tmp/gps-pg.XXXXXX)"
    chmod 755 "$dir"
    [ "$(id -u)" = 0 ] && chown nobody "$dir"
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    as_owner "$PGBIN/initdb" -D "$dir/data" -U gps --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || as_owner "$PGBIN/initdb" -D "$dir/data" -U gps --auth=trust --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=60" start >/dev/null
    echo "export GPS_TEST_PG_URL=postgresql://gps@127.0.0.1:$port/postgres"
    echo "export GPS_TEST_PG_DIR=$dir"
    ;;
stop)
    dir="${2:?stop needs the folder start printed}"
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start | stop DIR" >&2
    exit 2
    ;;
esac
