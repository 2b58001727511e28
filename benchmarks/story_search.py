"""How fast `/cop stories <words>` and "similar stories" answer over 100,000 stories, SQLite and PostgreSQL.

Generates stories in English and French (Zipf-distributed words: a few hundred real ones, then a long tail),
spread over communities of two workspaces, indexes them with copbot.store.search.reindex_all (the code the
migration runs), then times, per database, copbot's search next to a baseline measured in the same run on
the same words: a `LIKE '%word%'` scan of the community's titles, lessons and stories. Also times
similar() for a newly written story, as sharing will. Target: median search under 20 ms on both.
Prints a table and writes benchmarks/results/story_search.json.

    v/bin/python benchmarks/story_search.py [--stories 100000] [--communities 4] [--searches 200]
        [--postgres-url URL | env COPBOT_BENCH_POSTGRES_URL] [--only sqlite|postgresql]

PostgreSQL work happens in a schema of its own (story_search_bench), dropped at the end, so the
database's tables are left alone.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, text
from sqlalchemy.orm import Session, sessionmaker

from copbot.store import search
from copbot.store.db import make_engine, make_session_factory
from copbot.store.migrate import upgrade
from copbot.store.models import Community, Story, Workspace

from common import database

RESULTS = Path(__file__).parent / "results" / "story_search.json"
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/copbot_stories"
SCHEMA = "story_search_bench"
TARGET_MS = 20.0
START = datetime(2022, 1, 1, tzinfo=UTC)


def _words(text: str) -> list[str]:
    return text.split()


ENGLISH = _words(
    """
test tests testing tested flaky build builds pipeline deploy deploys deployment release releases review
reviews reviewed pairing pair team teams meeting meetings retro retrospective incident incidents outage
rollback migration database query queries index performance latency cache customer customers user users
feedback mentor mentoring onboarding newcomer documentation docs design designs prototype research
interview interviews backlog estimate estimates deadline sprint sprints planning priority priorities
refactoring refactor legacy code coding bug bugs fix fixes fixed debugging monitoring alert alerts
dashboard metrics experiment experiments hypothesis learning learned lesson lessons mistake mistakes
failure failures success habit habits tool tools automation script scripts workflow process processes
communication conflict agreement trust empathy accessibility security privacy contract api apis service
services framework library libraries kotlin python typescript rust mobile android frontend backend
infrastructure cloud kubernetes container containers observability logging tracing coverage mutation
exploratory charter
"""
)
FRENCH = _words(
    """
test tests tester testé instable instables construction chaîne déploiement déployer déployé livraison
livraisons revue relecture binôme équipe équipes réunion réunions rétrospective incident incidents panne
retour arrière migration base requête requêtes index performance latence cache client clients
utilisateur utilisatrices retours mentor accompagnement intégration nouveaux documentation conception
maquette maquettes prototype recherche entretien entretiens estimation estimations échéance sprint
planification priorité priorités refonte code héritage anomalie anomalies correction corrigé débogage
supervision alerte alertes tableau indicateurs expérience expériences hypothèse apprentissage appris
leçon leçons erreur erreurs échec échecs réussite habitude habitudes outil outils automatisation script
scripts processus communication conflit accord confiance empathie accessibilité sécurité confidentialité
contrat service services cadre bibliothèque mobile infrastructure nuage conteneur conteneurs
observabilité journalisation traçabilité couverture mutation exploratoire partager partagé partagée
partagées partage apprendre comprendre améliorer
"""
)
STOP = {
    "en": _words("the a of to and in we it was our that is for with on this but they at as not"),
    "fr": _words("le la les de des du et en un une nous il était notre que est pour avec sur ce mais au pas"),
}
TAGS = ["ci", "flaky-tests", "onboarding", "ux", "incident", "pairing", "retro", "api", "mobile", "data"]


@dataclass(frozen=True)
class Vocabulary:
    """A language's words, most frequent first, and Zipf weights to draw them with."""

    words: list[str]
    cumulative: list[float]

    @classmethod
    def of(cls, real: list[str], rng: random.Random, tail: int = 20_000) -> Vocabulary:
        syllables = ["ka", "lo", "mi", "ru", "te", "sa", "no", "vi", "dre", "pla", "stor", "quen", "bri"]
        made = {"".join(rng.choices(syllables, k=rng.randint(3, 5))) for _ in range(tail)}
        words = real + sorted(made - set(real))
        return cls(words, list(accumulate(1 / (rank + 1) ** 1.05 for rank in range(len(words)))))

    def draw(self, rng: random.Random, count: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cumulative, k=count)


class Writer:
    """Generated stories: content words from the vocabulary, stop words between them, some with a lesson."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.vocabularies = {"en": Vocabulary.of(ENGLISH, self.rng), "fr": Vocabulary.of(FRENCH, self.rng)}

    def sentence(self, language: str, words: int) -> str:
        mixed = []
        for word in self.vocabularies[language].draw(self.rng, words):
            mixed.append(word)
            if self.rng.random() < 0.6:
                mixed.append(self.rng.choice(STOP[language]))
        return " ".join(mixed).capitalize() + "."

    def story(self, language: str) -> dict[str, Any]:
        body = " ".join(
            self.sentence(language, self.rng.randint(8, 16)) for _ in range(self.rng.randint(4, 14))
        )
        lesson = self.sentence(language, self.rng.randint(5, 15)) if self.rng.random() < 0.5 else ""
        return {
            "title": self.sentence(language, self.rng.randint(3, 6))[:150],
            "body": body[:3000],
            "lesson": lesson,
            "tags": self.rng.sample(TAGS, self.rng.randint(0, 3)),
            "language": language,
        }


@dataclass(frozen=True)
class Place:
    team_id: str
    community_id: int
    language: str


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument(
        "--communities", type=int, default=10, help="half English, half French, two workspaces"
    )
    parser.add_argument("--searches", type=int, default=200, help="timed calls per kind")
    parser.add_argument(
        "--postgres-url", default=os.environ.get("COPBOT_BENCH_POSTGRES_URL", DEFAULT_POSTGRES)
    )
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    options = parser.parse_args()
    figures: dict[str, dict[str, dict[str, float]]] = {}
    for backend in ("sqlite", "postgresql"):
        if options.only in {None, backend}:
            with database(backend, options.postgres_url, SCHEMA) as url:
                figures[backend] = _run(url, options)
    _report(figures, options)
    return 0


def _run(url: str, options: argparse.Namespace) -> dict[str, dict[str, float]]:
    upgrade(url)
    engine = make_engine(url)
    writer = Writer(seed=8)
    backend = engine.dialect.name
    print(f"{backend}: generating and indexing {options.stories:,} stories…", flush=True)
    places, load = _seed(engine, writer, options)
    factory = make_session_factory(engine)
    rng = random.Random(11)
    queries = _queries(writer, places, rng, options.searches)
    figures = {"load": load}
    for name, (calls, runner) in queries.items():
        figures[name] = _time(factory, calls, runner)
        print(f"  {name}: median {figures[name]['median_ms']:.1f} ms", flush=True)
    engine.dispose()
    return figures


def _seed(
    engine: Engine, writer: Writer, options: argparse.Namespace
) -> tuple[list[Place], dict[str, float]]:
    started = time.perf_counter()
    places = _communities(engine, options.communities)
    with engine.begin() as connection:
        rows = []
        for n in range(options.stories):
            place = places[n % len(places)]
            at = START + timedelta(minutes=15 * n)
            story = writer.story(place.language)
            rows.append(
                story
                | {
                    "team_id": place.team_id,
                    "community_id": place.community_id,
                    "author_user_id": f"U{n % 900}",
                }
                | {"ask_me": True, "created_at": at, "updated_at": at}
            )
        connection.execute(insert(Story), rows)
    generated = time.perf_counter()
    with engine.begin() as connection:
        search.reindex_all(connection)
    indexed = time.perf_counter()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        # What autovacuum does in service: the rows the index rewrote leave dead versions behind.
        connection.execute(
            text("VACUUM ANALYZE stories" if engine.dialect.name == "postgresql" else "ANALYZE")
        )
    rate = options.stories / (indexed - generated)
    return places, {"generate_s": generated - started, "index_s": indexed - generated, "indexed_per_s": rate}


def _communities(engine: Engine, count: int) -> list[Place]:
    places = []
    with Session(engine) as session, session.begin():
        for team_id in ("T0BENCH01", "T0BENCH02"):
            session.add(Workspace(team_id=team_id, name=team_id, installed_at=START))
        session.flush()
        for n in range(count):
            language = "en" if n % 2 == 0 else "fr"
            team_id = "T0BENCH01" if n < count / 2 else "T0BENCH02"
            community = Community(
                team_id=team_id, slug=f"c{n}", name=f"Community {n}", purpose="p", audience="a",
                channel_id=f"C{n:05d}", language=language, created_by="U1", created_at=START,
                updated_at=START,
            )  # fmt: skip
            session.add(community)
            session.flush()
            places.append(Place(team_id, community.id, language))
    return places


Runner = Callable[[Session, Place, str], int]


def _queries(
    writer: Writer, places: list[Place], rng: random.Random, count: int
) -> dict[str, tuple[list[tuple[Place, str]], Runner]]:
    """Each kind of call: its (community, words) inputs, drawn once, and how to run one."""

    def words(place: Place, pick: Callable[[list[str]], list[str]]) -> str:
        return " ".join(pick(writer.vocabularies[place.language].words))

    one_common = [(p, words(p, lambda v: [rng.choice(v[:60])])) for p in rng.choices(places, k=count)]
    one_any = [(p, words(p, lambda v: [rng.choice(v[:3000])])) for p in rng.choices(places, k=count)]
    two = [(p, words(p, lambda v: rng.sample(v[:300], 2))) for p in rng.choices(places, k=count)]
    latest = [(p, "") for p in rng.choices(places, k=count)]
    shared = [(p, _new_story_text(writer, p)) for p in rng.choices(places, k=count)]
    return {
        "search: 1 common word": (one_common, _search),
        "baseline LIKE: same words": (one_common, _like),
        "search: 1 word (any)": (one_any, _search),
        "baseline LIKE: same words (any)": (one_any, _like),
        "search: 2 words": (two, _search),
        "search: no words (latest)": (latest, _search),
        "similar stories at share": (shared, _similar),
    }


def _new_story_text(writer: Writer, place: Place) -> str:
    story = writer.story(place.language)
    return " ".join((story["title"], story["lesson"], story["body"]))


def _search(session: Session, place: Place, words: str) -> int:
    return search.search(session, team_id=place.team_id, community_id=place.community_id, words=words).total


def _similar(session: Session, place: Place, story: str) -> int:
    found = search.similar(
        session, team_id=place.team_id, community_id=place.community_id, text=story, language=place.language
    )
    return len(found)


def _like(session: Session, place: Place, words: str) -> int:
    """What a search without an index does: every story of the community read for the word."""
    where = (
        "team_id = :team AND community_id = :community AND deleted_at IS NULL"
        " AND (lower(title) LIKE :pattern OR lower(lesson) LIKE :pattern OR lower(body) LIKE :pattern)"
    )
    params = {"team": place.team_id, "community": place.community_id, "pattern": f"%{words.lower()}%"}
    total = session.execute(text(f"SELECT count(*) FROM stories WHERE {where}"), params).scalar_one()  # noqa: S608
    page = f"SELECT id FROM stories WHERE {where} ORDER BY created_at DESC LIMIT 5"  # noqa: S608
    session.execute(text(page), params).all()
    return int(total)


def _time(factory: sessionmaker[Session], calls: list[tuple[Place, str]], runner: Runner) -> dict[str, float]:
    for place, words in calls[:10]:  # warm caches
        with factory() as session:
            runner(session, place, words)
    latencies, found = [], []
    for place, words in calls:
        with factory() as session:
            started = time.perf_counter()
            found.append(runner(session, place, words))
            latencies.append((time.perf_counter() - started) * 1000)
    quantiles = statistics.quantiles(latencies, n=100)
    return {
        "median_ms": statistics.median(latencies),
        "p95_ms": quantiles[94],
        "max_ms": max(latencies),
        "median_found": statistics.median(found),
    }


def _report(figures: dict[str, dict[str, dict[str, float]]], options: argparse.Namespace) -> None:
    per_community = options.stories // options.communities
    print(f"\n{options.stories:,} stories, {options.communities} communities of {per_community:,},", end=" ")
    print(f"{options.searches} calls per kind")
    print(f"{'database':11} {'call':34} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'found':>7}")
    for backend, rows in figures.items():
        load = rows["load"]
        print(f"{backend:11} {'(indexed ' + format(load['indexed_per_s'], ',.0f') + ' stories/s)':34}")
        for name, row in rows.items():
            if name != "load":
                figures = f"{row['median_ms']:10.1f} {row['p95_ms']:8.1f} {row['max_ms']:8.1f}"
                print(f"{backend:11} {name:34} {figures} {row['median_found']:7.0f}")
        searches = [row["median_ms"] for name, row in rows.items() if name.startswith("search:")]
        verdict = "met" if max(searches) < TARGET_MS else "MISSED"
        print(f"{backend:11} target: every search median under {TARGET_MS:.0f} ms: {verdict}")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps({"options": vars(options) | {"postgres_url": None}, "figures": figures}, indent=2)
    )
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    raise SystemExit(main())
