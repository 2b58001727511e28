# check_wheel: build copbot's wheel, install it with the locked dependencies into a fresh virtualenv in a
# temporary folder, and from there (not the checkout, so nothing of the source tree can be picked up) run
# `copbot db upgrade` and `copbot demo` on a new SQLite database. Fails loudly at the first error.

check_wheel() {
    local work
    work="$(mktemp -d)"
    trap 'rm -rf "$work"; trap - RETURN' RETURN
    v/bin/pip wheel --quiet --no-deps --wheel-dir "$work/dist" .
    python3 -m venv "$work/venv"
    "$work/venv/bin/pip" install --quiet -r requirements.lock
    "$work/venv/bin/pip" install --quiet --no-deps "$work"/dist/copbot-*.whl
    (
        cd "$work"
        # Only the settings this check means: nothing of the caller's Slack or copbot environment.
        unset "${!SLACK_@}" "${!COPBOT_@}"
        export COPBOT_DATABASE_URL="sqlite:///$work/copbot.db"
        installed="$(venv/bin/python -c 'import copbot, sys; sys.stdout.write(copbot.__file__)')"
        case "$installed" in
            "$work"/venv/*) echo "copbot imported from the wheel: $installed" ;;
            *) echo "FAILED: copbot was imported from $installed, not from the wheel" >&2; exit 1 ;;
        esac
        venv/bin/copbot db upgrade
        venv/bin/copbot demo --database-url "$COPBOT_DATABASE_URL" > demo.log || {
            cat demo.log
            echo "FAILED: copbot demo from the wheel" >&2
            exit 1
        }
        tail -n 3 demo.log
    )
}
