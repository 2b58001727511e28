"""The organisers' figures (to the command's response_url), and their chart and CSV export by DM.

The chart and the CSVs are uploaded with Slack's external upload.

files_upload_v2 makes the three calls: files.getUploadURLExternal, a POST of the bytes to the URL it gives,
files.completeUploadExternal shared to the person's DM. A retry uploads again: an unfinished upload is
never shared, so the person gets one copy.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from copbot.reports.stats import chart_png, pairing_csv, weekly_csv
from copbot.services import stats
from copbot.services.stats import FileContent, FileRequest, WeeklySeries, file_request
from copbot.slack.blocks.stats import build_stats
from copbot.slack.kinds.notices import post_to_response_url
from copbot.slack.outbox.kinds import DeliveryKind, Outgoing, Sent


def _content(out: Outgoing, *, outcomes: bool) -> FileContent | None:
    with out.reading() as session:
        return stats.file_content(
            session, team_id=out.delivery.team_id, asked=file_request(out.payload), outcomes=outcomes
        )


def _upload(out: Outgoing, user_id: str, files: list[dict[str, object]], comment: str) -> Sent:
    """The comment in the person's DM, then the files shared there.

    files.completeUploadExternal wants the DM's own id (D…), not the person's: posting the comment first
    gives it, without the im:write scope that conversations.open would need.
    """
    dm = out.post(user_id, {"text": comment}).channel_id
    response = out.client.files_upload_v2(file_uploads=files, channel=dm)
    file_ids = [str(shared["id"]) for shared in response.get("files") or []]
    return Sent(data={"file_ids": file_ids})


class Answer(DeliveryKind):
    """The figures, in place of the command's "Counting…" answer; then the chart, in the person's DM.

    No chart when there is nothing to chart. A retry replaces the answer again: it is never shown twice.
    """

    name = stats.ANSWER

    def send(self, out: Outgoing) -> Sent | None:
        asked = file_request(out.payload)
        with out.reading() as session:
            figures = stats.answer_content(session, team_id=out.delivery.team_id, asked=asked)
            series = None if figures is None or figures.empty else _series(session, asked)
        if figures is None:
            return None
        tr = out.translator_for(asked.user_id)
        answer = {**build_stats(tr, figures), "replace_original": True}  # in place of "Counting…"
        post_to_response_url(str(out.payload["response_url"]), answer)
        if series is None:
            return Sent()
        png: dict[str, object] = {
            "content": chart_png(tr, figures.community_name, series),
            "filename": "stats.png",
            "title": tr.gettext(
                "{name}: the last {days} days", name=figures.community_name, days=asked.period.days
            ),
        }
        comment = tr.gettext("Your chart for *{name}*.", name=figures.community_name)
        return _upload(out, asked.user_id, [png], comment)


def _series(session: Session, asked: FileRequest) -> WeeklySeries:
    return stats.weekly_series(session, community_id=asked.community_id, period=asked.period, now=asked.at)


class Export(DeliveryKind):
    name = stats.EXPORT

    def send(self, out: Outgoing) -> Sent | None:
        asked = file_request(out.payload)
        content = _content(out, outcomes=True)
        if content is None:
            return None
        tr = out.translator_for(asked.user_id)
        files: list[dict[str, object]] = [
            {"content": weekly_csv(content.series), "filename": "weekly.csv", "title": "weekly.csv"},
            {"content": pairing_csv(content.outcomes), "filename": "pairing.csv", "title": "pairing.csv"},
        ]
        comment = tr.gettext(
            "The figures of *{name}* for the last {days} days, week by week, and its introductions.",
            name=content.community_name,
            days=asked.period.days,
        )
        return _upload(out, asked.user_id, files, comment)


KINDS: tuple[DeliveryKind, ...] = (Answer(), Export())
