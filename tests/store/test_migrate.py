from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from copbot.domain.enums import ActivityKind
from copbot.store import migrate, search
from copbot.store.db import make_engine, make_session_factory, unit_of_work
from copbot.store.models import (
    Activity,
    Community,
    Member,
    PairingGroup,
    PairingGroupMember,
    PairingRound,
    Workspace,
)

SCRATCH_SCHEMA = "copbot_migration_test"
# Every revision, oldest first: a new migration adds itself here.


@pytest.fixture
def empty_database_url(server_database_url, tmp_path):
    """A database with no tables at all: a new SQLite file, or a new schema on the PostgreSQL server."""
    server = server_database_url
    if server is None:
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    _run(server, f"DROP SCHEMA IF EXISTS {SCRATCH_SCHEMA} CASCADE", f"CREATE SCHEMA {SCRATCH_SCHEMA}")
    url = make_url(server).update_query_dict({"options": f"-csearch_path={SCRATCH_SCHEMA}"})
    yield url.render_as_string(hide_password=False)
    _run(server, f"DROP SCHEMA {SCRATCH_SCHEMA} CASCADE")


def _run(url: str, *statements: str) -> None:
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
    engine.dispose()


def test_upgrade_brings_an_empty_database_to_head(empty_database_url, tmp_path, monkeypatch):
    """Upgrading an empty database applies every revision, from any working directory, and reaches head."""
    monkeypatch.chdir(tmp_path)
    assert migrate.current_revision(empty_database_url) is None
    assert not migrate.is_up_to_date(empty_database_url)

    assert migrate.upgrade(empty_database_url) == migrate.revisions()

    assert migrate.current_revision(empty_database_url) == migrate.head_revision()
    assert migrate.revisions()[0] == "0001"
    assert migrate.is_up_to_date(empty_database_url)


def test_upgrade_twice_applies_nothing_the_second_time(empty_database_url):
    """A second upgrade of a database already at head is a no-op that reports no revision."""
    migrate.upgrade(empty_database_url)

    assert migrate.upgrade(empty_database_url) == []
    assert migrate.current_revision(empty_database_url) == migrate.head_revision()


@pytest.mark.slow
def test_replicas_upgrading_at_once_apply_each_revision_once(server_database_url, empty_database_url):
    """Several processes upgrading one PostgreSQL at the same moment all succeed; one of them migrates."""
    if server_database_url is None:
        pytest.skip("SQLite serves one process; the migration lock is PostgreSQL's")
    code = "import sys; from copbot.store import migrate; print(migrate.upgrade(sys.argv[1]))"
    command = [sys.executable, "-c", code, empty_database_url]
    root = migrate.MIGRATIONS_DIR.parent  # where `python -c` imports this checkout's copbot from
    # S603: the command is our own code and the test's own URL.
    replicas = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=root) for _ in range(3)]
    outputs = sorted(replica.communicate(timeout=60)[0].strip() for replica in replicas)

    assert [replica.returncode for replica in replicas] == [0, 0, 0]
    assert outputs == [str(migrate.revisions()), "[]", "[]"]


def test_migrations_and_models_agree(database_url):
    """Autogenerate finds nothing to change between the migrated database and the models."""
    assert migrate.pending_differences(database_url) == []


def test_pending_differences_sees_a_schema_drift(empty_database_url):
    """A database that drifted from the models (an index dropped by hand) shows up as a difference."""
    migrate.upgrade(empty_database_url)
    _run(empty_database_url, "DROP INDEX ix_deliveries_status_lease")

    differences = migrate.pending_differences(empty_database_url)

    assert [(kind, index.name) for kind, index in differences] == [
        ("add_index", "ix_deliveries_status_lease")
    ]


def test_missing_migrations_folder_is_a_clear_error(monkeypatch, tmp_path):
    """Without the migrations folder beside the package, upgrading says where it looked and what to do."""
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", tmp_path / "nowhere")

    with pytest.raises(migrate.MigrationsNotFoundError, match=r"nowhere.*reinstall copbot"):
        migrate.upgrade(f"sqlite:///{tmp_path / 'copbot.db'}")


def _migrations_at(folder):
    (folder / "migrations").mkdir(parents=True)
    (folder / "migrations" / "env.py").write_text("")
    return folder / "migrations"


def test_a_wheel_finds_the_migrations_inside_the_package(tmp_path):
    """In an installed wheel the migrations are copbot/migrations, and that copy wins over any other."""
    package = tmp_path / "site-packages" / "copbot"
    inside = _migrations_at(package)
    _migrations_at(tmp_path / "site-packages")

    assert migrate.locate_migrations(package) == inside


def test_a_checkout_finds_the_migrations_beside_the_package(tmp_path):
    """In a source checkout (or an editable install) the migrations folder beside the package is used."""
    package = tmp_path / "checkout" / "copbot"
    package.mkdir(parents=True)
    beside = _migrations_at(tmp_path / "checkout")

    assert migrate.locate_migrations(package) == beside


def test_this_checkout_uses_its_own_migrations_folder():
    """The tests run against the repository's migrations/ folder, the one alembic.ini names."""
    assert (migrate.MIGRATIONS_DIR / "versions" / "0001_initial_schema.py").is_file()


def test_stories_stored_before_revision_0004_keep_their_words_and_can_be_found(empty_database_url):
    """A story kept before 0004 gets its community's language and a lesson-less row, and search finds it."""
    config = migrate.alembic_config(empty_database_url)
    command.upgrade(config, ScriptDirectory.from_config(config).get_revision("0004").down_revision)
    _run(
        empty_database_url,
        "INSERT INTO workspaces (team_id, name, installed_at) VALUES ('T1', 'Acme', '2026-01-01 10:00')",
        "INSERT INTO communities (id, team_id, slug, name, name_key, purpose, audience, channel_id, timezone,"
        " language, prompt_cadence, prompt_weekday, prompt_time, pairing_every_weeks, pairing_weekday,"
        " pairing_group_size, created_by, created_at, updated_at) VALUES (1, 'T1', 'design', 'Design',"
        " 'design', 'p', 'a', 'C1', 'UTC', 'fr', 'off', 1, '10:00', 0, 0, 2, 'U1', '2026-01-01 10:00',"
        " '2026-01-01 10:00')",
        "INSERT INTO stories (team_id, community_id, author_user_id, title, body, tags, created_at)"
        " VALUES ('T1', 1, 'U1', 'Une équipe soudée', 'Nous avons partagé nos maquettes', '[\"ux\"]',"
        " '2026-01-02 10:00')",
    )

    migrate.upgrade(empty_database_url)

    engine = make_engine(empty_database_url)
    with unit_of_work(make_session_factory(engine)) as session:
        found = search.search(session, team_id="T1", community_id=1, words="equipe partager").stories
        assert [(s.language, s.lesson, s.ask_me, s.updated_at == s.created_at) for s in found] == [
            ("fr", "", True, True)
        ]
    engine.dispose()


def test_stats_columns_are_filled_from_the_activity_already_logged(empty_database_url):
    """0008 copies an RSVP's answer and an occurrence out of activity.data into their columns."""
    migrate.upgrade_to(empty_database_url, "0007")
    engine = create_engine(empty_database_url, poolclass=NullPool)
    logged = [
        ("rsvp", '{"session_id": 4, "occurrence": "4:2026-03-03", "answer": "yes"}'),
        ("attended", '{"session_id": 4, "occurrence": "4:2026-03-03"}'),
        ("story_shared", '{"story_id": 9}'),
    ]
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO workspaces (team_id, name, installed_at) VALUES ('T1', 'W', '2026-03-01')")
        )
        for kind, data in logged:
            connection.execute(
                text(
                    "INSERT INTO activity (team_id, kind, at, data) VALUES ('T1', :kind, '2026-03-02', :data)"
                ),
                {"kind": kind, "data": data},
            )

    migrate.upgrade(empty_database_url)

    with engine.connect() as connection:
        rows = connection.execute(text("SELECT kind, answer, occurrence FROM activity ORDER BY id")).all()
    engine.dispose()
    assert [tuple(row) for row in rows] == [
        ("rsvp", "yes", "4:2026-03-03"),
        ("attended", None, "4:2026-03-03"),
        ("story_shared", None, None),
    ]


def test_turnout_and_pairs_are_filled_from_what_was_logged_before_revision_0009(empty_database_url):
    """0009 keeps each person's latest answer and first attendance per date, and each pair's repeats."""
    migrate.upgrade_to(empty_database_url, "0008")
    engine = create_engine(empty_database_url, poolclass=NullPool)
    at = datetime(2026, 3, 1, tzinfo=UTC)
    with Session(engine) as session, session.begin():  # tables 0009 leaves as they were
        session.add(Workspace(team_id="T1", name="W", installed_at=at))
        session.flush()
        # Core, naming only the columns 0008 has: the model has gained columns since.
        community_id = session.execute(
            insert(Community.__table__)
            .values(
                team_id="T1",
                slug="c",
                name="C",
                name_key="c",
                purpose="p",
                audience="a",
                channel_id="C1",
                created_by="U1",
                created_at=at,
                updated_at=at,
            )
            .returning(Community.__table__.c.id)
        ).scalar_one()
        members = [
            Member(team_id="T1", community_id=community_id, user_id=f"U{n}", joined_at=at) for n in "123"
        ]
        session.add_all(members)
        logged = [  # kind, user, hours after `at`, answer
            (ActivityKind.RSVP, "U1", 10, "yes"),
            (ActivityKind.RSVP, "U1", 11, "no"),
            (ActivityKind.RSVP, "U2", 10, "yes"),
            (ActivityKind.ATTENDED, "U2", 50, None),
            (ActivityKind.ATTENDED, "U3", 50, None),
        ]
        for kind, user, hours, answer in logged:
            session.add(
                Activity(
                    team_id="T1",
                    community_id=community_id,
                    user_id=user,
                    kind=kind,
                    at=at + timedelta(hours=hours),
                    data={},
                    answer=answer,
                    occurrence="4:2026-03-03",
                )
            )
        for weeks in (0, 2):
            pairing_round = PairingRound(
                team_id="T1", community_id=community_id, slot_start=at + timedelta(weeks=weeks), created_at=at
            )
            session.add(pairing_round)
            session.flush()
            group = PairingGroup(team_id="T1", round_id=pairing_round.id)
            session.add(group)
            session.flush()
            session.add_all(
                PairingGroupMember(team_id="T1", group_id=group.id, member_id=m.id) for m in members[:2]
            )

    migrate.upgrade(empty_database_url)

    with engine.connect() as connection:
        turnout = connection.execute(
            text("SELECT user_id, answer, attended_at IS NOT NULL FROM turnout ORDER BY user_id")
        ).all()
        days = connection.execute(text("SELECT DISTINCT occurs_on FROM turnout")).scalars().all()
        dates = connection.execute(text("SELECT occurrence, going, came FROM turnout_dates")).all()
        pairs = (
            connection.execute(text("SELECT repeat FROM pairing_pairs ORDER BY slot_start")).scalars().all()
        )
    engine.dispose()
    assert [tuple(row) for row in turnout] == [("U1", "no", False), ("U2", "yes", True), ("U3", None, True)]
    assert [str(day) for day in days] == ["2026-03-03"]
    assert [tuple(row) for row in dates] == [("4:2026-03-03", 1, 2)]
    assert [bool(repeat) for repeat in pairs] == [False, True]
