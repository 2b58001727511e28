"""The organisers' chart (a PNG drawn with matplotlib's Agg backend) and their CSV export.

matplotlib's Figure is used without pyplot: no global state, so senders on several threads may draw at once.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from copbot.i18n import Translator
from copbot.services.stats import WeeklySeries
from copbot.store.stats import GroupOutcome

CHART_INCHES = (10, 6)
CHART_DPI = 100  # so the PNG is 1000 x 600 pixels
WEEKLY_COLUMNS = (
    "week_start",
    "members_at_week_end",
    "joined",
    "left",
    "active_members",
    "stories",
    "going_answers",
    "attended",
    "people_who_met_their_pair",
    "helped",
)
FORMULA_STARTS = ("=", "+", "-", "@")
PAIRING_COLUMNS = ("round_start", "group_id", "people", "outcome", "teams", "learned_shared_with_organisers")


def chart_png(tr: Translator, name: str, series: WeeklySeries) -> bytes:
    """Members at each week's end above, what happened each week below.

    matplotlib (and numpy) are imported on the first chart, not with copbot: about 50 MB and a few seconds
    that each `copbot serve` worker would otherwise carry for a chart organisers ask for now and then.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415
    from matplotlib.figure import Figure  # noqa: PLC0415
    from matplotlib.ticker import MaxNLocator  # noqa: PLC0415

    figure = Figure(figsize=CHART_INCHES, dpi=CHART_DPI)
    FigureCanvasAgg(figure)
    members, weekly = figure.subplots(2, 1, sharex=True)
    labels = [week.isoformat() for week in series.weeks]
    members.plot(labels, series.members, marker="o", color="#1d3557")
    members.set_title(tr.gettext("{name}: members and weekly activity", name=name))
    members.set_ylabel(tr.gettext("Members"))
    bottom = [0] * len(labels)
    for label, values in _activity(tr, series):
        weekly.bar(labels, values, bottom=bottom, label=label)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    weekly.plot(labels, series.active, color="black", marker=".", label=tr.gettext("Active members"))
    weekly.set_ylabel(tr.gettext("Per week"))
    for axes in (members, weekly):
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    weekly.legend(loc="upper left", fontsize="small")
    weekly.tick_params(axis="x", labelrotation=60, labelsize="small")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _activity(tr: Translator, series: WeeklySeries) -> list[tuple[str, list[int]]]:
    return [
        (tr.gettext("Stories"), series.stories),
        (tr.gettext("Said Going"), series.going),
        (tr.gettext("Came to a session"), series.attended),
        (tr.gettext("Met their pair"), series.pairs_met),
        (tr.gettext("Helped by a story"), series.helped),
    ]


def weekly_csv(series: WeeklySeries) -> bytes:
    rows = zip(
        [week.isoformat() for week in series.weeks],
        series.members,
        series.joined,
        series.left,
        series.active,
        series.stories,
        series.going,
        series.attended,
        series.pairs_met,
        series.helped,
        strict=True,
    )
    return _csv(WEEKLY_COLUMNS, rows)


def pairing_csv(outcomes: Sequence[GroupOutcome]) -> bytes:
    """One row per introduction; free text only where its author allowed organisers to see it."""
    rows = (
        (o.round_start.date().isoformat(), o.group_id, o.size, o.outcome.value, o.teams, _text(o.learned))
        for o in outcomes
    )
    return _csv(PAIRING_COLUMNS, rows)


def _text(answers: Sequence[str]) -> str:
    """People's words as text: a spreadsheet must not run one that starts like a formula."""
    joined = " | ".join(" ".join(answer.split()) for answer in answers)
    return "'" + joined if joined.startswith(FORMULA_STARTS) else joined


def _csv(header: Sequence[str], rows: object) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)  # type: ignore[arg-type]
    return text.getvalue().encode()
