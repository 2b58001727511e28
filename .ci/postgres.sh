# ensure_postgres: print a SQLAlchemy URL of a PostgreSQL database the tests may empty at will.
# COPBOT_TEST_DATABASE_URL, when set, names it. Otherwise the server on 127.0.0.1:5432 when it answers
# (trust auth, user postgres, database test); otherwise PostgreSQL is installed with apt and started,
# and user postgres gets a password.
# Fails loudly when none can be had: under CI (CI=true) the PostgreSQL run is required.

_as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

_answers() { PGPASSWORD="${2:-}" psql -h 127.0.0.1 -p 5432 -U postgres -d "$1" -Atc 'select 1' >/dev/null 2>&1; }

_install_and_start() {
    echo "PostgreSQL does not answer on 127.0.0.1:5432: installing and starting it with apt" >&2
    if ! command -v pg_ctlcluster >/dev/null 2>&1; then
        _as_root apt-get update -q >&2
        _as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2
    fi
    local version
    version="$(ls /etc/postgresql | sort -V | tail -n 1)"
    _as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 || true
    for _ in $(seq 1 30); do
        pg_isready -h 127.0.0.1 -p 5432 -q && break
        sleep 1
    done
    _as_root su postgres -c "psql -qc \"ALTER USER postgres PASSWORD 'postgres'\"" >&2
}

ensure_postgres() {
    if [ -n "${COPBOT_TEST_DATABASE_URL:-}" ]; then  # a database of your own, e.g. beside another run
        echo "$COPBOT_TEST_DATABASE_URL"
        return 0
    fi
    if command -v psql >/dev/null 2>&1 && _answers test; then
        echo "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        return 0
    fi
    if command -v psql >/dev/null 2>&1 && _answers postgres; then
        psql -h 127.0.0.1 -U postgres -d postgres -qc 'CREATE DATABASE test' >&2
        echo "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        return 0
    fi
    _install_and_start
    if ! _answers postgres postgres; then
        echo "FAILED: no PostgreSQL could be started on 127.0.0.1:5432" >&2
        return 1
    fi
    _answers copbot_test postgres || PGPASSWORD=postgres psql -h 127.0.0.1 -U postgres -d postgres -qc 'CREATE DATABASE copbot_test' >&2
    echo "postgresql+psycopg://postgres:postgres@127.0.0.1:5432/copbot_test"
}
