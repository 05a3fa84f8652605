# Sourced by .ci/run and bench/store/run.sh: start_throwaway_postgres DBNAME starts a
# PostgreSQL cluster in a temporary directory on a free loopback port, as a non-root user
# (initdb refuses root), creates DBNAME, exports FRONTIER_TEST_POSTGRES_URL, and stops and
# deletes the cluster when the calling shell exits.
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

start_throwaway_postgres() {
  local db="$1" bin
  bin="$(pg_bin)"
  PG_DIR="$(mktemp -d /tmp/frontier-pg.XXXXXX)"
  PG_AS=()
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$PG_DIR"
    PG_AS=(runuser -u postgres --)
  fi
  PG_PORT=$((54000 + RANDOM % 1000))
  while (exec 3<>"/dev/tcp/127.0.0.1/$PG_PORT") 2>/dev/null; do PG_PORT=$((PG_PORT + 1)); done
  PG_BIN="$bin"
  trap stop_throwaway_postgres EXIT
  echo "== PostgreSQL: throwaway cluster $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT ($PG_DIR)"
  "${PG_AS[@]}" "$bin/initdb" -D "$PG_DIR/data" -A trust -U frontier -E UTF8 --no-sync >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log"; return 1; }
  "${PG_AS[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 ${PG_EXTRA_OPTIONS:-}" start >/dev/null \
    || { cat "$PG_DIR/server.log"; return 1; }
  "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U frontier "$db"
  export FRONTIER_TEST_POSTGRES_URL="postgresql://frontier@127.0.0.1:$PG_PORT/$db"
  echo "   FRONTIER_TEST_POSTGRES_URL=$FRONTIER_TEST_POSTGRES_URL"
}

stop_throwaway_postgres() {
  [ -n "${PG_DIR:-}" ] || return 0
  "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
  PG_DIR=""
}
