#!/usr/bin/env bash
# The "postgres" CTest fixture: `start STATE` runs a throwaway PostgreSQL cluster on 127.0.0.1 (a
# free port, unix socket in its temp folder) and writes its connection string to STATE/conninfo;
# `stop STATE` stops it and deletes the folder. Without the server binaries, start says so and the
# tests skip, unless SCRUTINEER_REQUIRE_POSTGRES=1 (scripts/test), when it fails.
set -euo pipefail
action=$1
state=$2
mkdir -p "$state"

bindir=""
for d in "$(pg_config --bindir 2>/dev/null || true)" /usr/lib/postgresql/*/bin; do
  if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then bindir=$d; break; fi
done

# initdb refuses to run as root: run the server as the postgres user then.
as_owner=()
if [ "$(id -u)" -eq 0 ]; then as_owner=(runuser -u postgres --); fi

stop() {
  [ -f "$state/cluster" ] || return 0
  local dir
  dir=$(cat "$state/cluster")
  if [ -d "$dir/data" ] && [ -n "$bindir" ]; then
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  case "$dir" in /tmp/scrutineer-pg.*) rm -rf "$dir" ;; esac
  rm -f "$state/cluster" "$state/conninfo"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
  stop
  if [ -z "$bindir" ]; then
    echo "PostgreSQL server binaries (initdb, pg_ctl) not found: the PostgreSQL register tests" \
      "will skip. Install Debian's postgresql package (scripts/install-deps does)."
    [ "${SCRUTINEER_REQUIRE_POSTGRES:-0}" = 1 ] && exit 1
    exit 0
  fi
  local dir
  dir=$(mktemp -d /tmp/scrutineer-pg.XXXXXX)
  echo "$dir" >"$state/cluster"
  [ ${#as_owner[@]} -eq 0 ] || chown postgres: "$dir"
  "${as_owner[@]}" "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 \
    --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log"
    exit 1
  }
  for _ in 1 2 3 4 5 6 7 8; do
    local port=$((20000 + RANDOM % 40000))
    port_in_use "$port" && continue
    if "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=300" \
      start >/dev/null; then
      echo "host=127.0.0.1 port=$port user=postgres dbname=postgres" >"$state/conninfo"
      echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($dir)"
      return 0
    fi
  done
  cat "$dir/server.log"
  exit 1
}

case "$action" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop STATE_DIR" >&2; exit 2 ;;
esac
