#!/usr/bin/env bash
# Make sure the PostgreSQL and Redis that the test suite uses are answering; start them when they run on this
# machine and we are allowed to. Never skips silently: exits non-zero with what to start when a service is down.
#
#   DATABASE_URL  default postgres://postgres@127.0.0.1:5432/slate   (user postgres, trust auth)
#   REDIS_URL     default redis://127.0.0.1:6379/15
#   SERVICE_WAIT  seconds to wait for a service after starting it (default 20)
set -euo pipefail

DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/slate}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/15}"
SERVICE_WAIT="${SERVICE_WAIT:-20}"

say() { printf 'ensure-services: %s\n' "$*"; }
die() {
    printf '\nensure-services: ERROR: %s\n\n' "$*" >&2
    exit 1
}

command -v python3 >/dev/null 2>&1 || die "python3 is missing; install Python 3.11+ first."

# url_part URL FIELD -> host | port | user | password (defaults for the scheme filled in)
url_part() {
    python3 - "$1" "$2" <<'PY'
import sys
from urllib.parse import unquote, urlsplit

url, field = urlsplit(sys.argv[1]), sys.argv[2]
default_port = {"postgres": 5432, "postgresql": 5432, "redis": 6379}.get(url.scheme, 0)
values = {
    "host": url.hostname or "127.0.0.1",
    "port": url.port or default_port,
    "user": unquote(url.username or ""),
    "password": unquote(url.password or ""),
}
print(values[field])
PY
}

is_local() {
    case "$1" in
        127.* | localhost | ::1 | "[::1]") return 0 ;;
        *) return 1 ;;
    esac
}

run_as_root() {
    if [ "$(id -u)" = 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo -n "$@"
    else
        return 1
    fi
}

# wait_for CHECK_FUNCTION SECONDS
wait_for() {
    local check=$1 seconds=$2 waited=0
    while [ "$waited" -lt $((seconds * 2)) ]; do
        if "$check"; then
            return 0
        fi
        sleep 0.5
        waited=$((waited + 1))
    done
    return 1
}

# --- PostgreSQL ---------------------------------------------------------------------------------------------
PG_HOST=$(url_part "$DATABASE_URL" host)
PG_PORT=$(url_part "$DATABASE_URL" port)
PG_USER=$(url_part "$DATABASE_URL" user)
PG_USER=${PG_USER:-postgres}

postgres_answers() {
    if command -v pg_isready >/dev/null 2>&1; then
        pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 2
    else
        python3 -c 'import socket, sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2).close()' \
            "$PG_HOST" "$PG_PORT" 2>/dev/null
    fi
}

start_postgres() {
    command -v pg_ctlcluster >/dev/null 2>&1 || return 1
    [ -d /etc/postgresql ] || return 1
    local version
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    [ -n "$version" ] || return 1
    say "starting PostgreSQL $version (pg_ctlcluster $version main start)"
    run_as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start
}

if postgres_answers; then
    say "PostgreSQL answers on $PG_HOST:$PG_PORT"
else
    say "PostgreSQL does not answer on $PG_HOST:$PG_PORT"
    started=no
    if is_local "$PG_HOST" && start_postgres; then
        started=yes
    fi
    if [ "$started" = yes ] && wait_for postgres_answers "$SERVICE_WAIT"; then
        say "PostgreSQL answers on $PG_HOST:$PG_PORT"
    else
        die "PostgreSQL is not answering on $PG_HOST:$PG_PORT and could not be started from here.
Start it, then run make test again, e.g.:
    sudo pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start     (Debian/Ubuntu)
    sudo systemctl start postgresql                                                  (systemd)
    docker run -d -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:16        (a container)
The tests connect as user '$PG_USER' with trust authentication (or pass make test DATABASE_URL=postgres://...)."
    fi
fi

# The server answering is not enough: the tests must be able to log in and create their database.
if command -v psql >/dev/null 2>&1; then
    PG_PASSWORD=$(url_part "$DATABASE_URL" password)
    if ! PGPASSWORD="$PG_PASSWORD" PGCONNECT_TIMEOUT=5 psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres \
        -w -Atqc 'SELECT 1' >/dev/null 2>&1; then
        die "PostgreSQL answers on $PG_HOST:$PG_PORT but refuses user '$PG_USER'.
Allow it (trust authentication for 127.0.0.1 in pg_hba.conf, or a password in DATABASE_URL) and make sure the
user may create databases: the tests create and drop test_<name>."
    fi
fi

# --- Redis --------------------------------------------------------------------------------------------------
REDIS_HOST=$(url_part "$REDIS_URL" host)
REDIS_PORT=$(url_part "$REDIS_URL" port)

redis_answers() {
    if command -v redis-cli >/dev/null 2>&1; then
        [ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]
    else
        python3 - "$REDIS_HOST" "$REDIS_PORT" <<'PY' 2>/dev/null
import socket
import sys

with socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2) as sock:
    sock.sendall(b"PING\r\n")
    sys.exit(0 if sock.recv(64).startswith(b"+PONG") else 1)
PY
    fi
}

start_redis() {
    command -v redis-server >/dev/null 2>&1 || return 1
    local dir=/var/lib/redis logfile=/var/log/redis/ci.log
    if ! { [ -d "$dir" ] && [ -w "$dir" ] && [ -d "$(dirname "$logfile")" ] && [ -w "$(dirname "$logfile")" ]; }; then
        dir=$(mktemp -d /tmp/slate-redis.XXXXXX)
        logfile="$dir/redis.log"
    fi
    say "starting Redis on port $REDIS_PORT (log: $logfile)"
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
        --dir "$dir" --logfile "$logfile"
}

if redis_answers; then
    say "Redis answers on $REDIS_HOST:$REDIS_PORT"
else
    say "Redis does not answer on $REDIS_HOST:$REDIS_PORT"
    started=no
    if is_local "$REDIS_HOST" && start_redis; then
        started=yes
    fi
    if [ "$started" = yes ] && wait_for redis_answers "$SERVICE_WAIT"; then
        say "Redis answers on $REDIS_HOST:$REDIS_PORT"
    else
        die "Redis is not answering on $REDIS_HOST:$REDIS_PORT and could not be started from here.
Start it, then run make test again, e.g.:
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no
    sudo systemctl start redis-server                                                (systemd)
    docker run -d -p 6379:6379 redis:7                                               (a container)
(or pass make test REDIS_URL=redis://host:port/15)."
    fi
fi
