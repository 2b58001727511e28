"""The organisers' chart and CSV export, uploaded to their DM with Slack's external upload.

files_upload_v2 makes the three calls: files.getUploadURLExternal, a POST of the bytes to the URL it gives,
files.completeUploadExternal shared to the person's DM. A retry uploads again: an unfinished upload is
never shared, so the person gets one copy.
"""

from __future__ import annotations

from copbot.reports.stats import chart_png, pairing_csv, weekly_csv
from copbot.services import stats
from copbot.services.stats import FileContent, file_request
from copbot.slack.outbox.kinds import DeliveryKind, Outgoing, Sent


def _content(out: Outgoing, *, outcomes: bool) -> FileContent | None:
    with out.reading() as session:
        return stats.file_content(
            session, team_id=out.delivery.team_id, asked=file_request(out.payload), outcomes=outcomes
        )


def _upload(out: Outgoing, user_id: str, files: list[dict[str, object]], comment: str) -> Sent:
    response = out.client.files_upload_v2(file_uploads=files, channel=user_id, initial_comment=comment)
    file_ids = [str(shared["id"]) for shared in response.get("files") or []]
    return Sent(data={"file_ids": file_ids})


class Chart(DeliveryKind):
    name = stats.CHART

    def send(self, out: Outgoing) -> Sent | None:
        asked = file_request(out.payload)
        content = _content(out, outcomes=False)
        if content is None:
            return None
        tr = out.translator_for(asked.user_id)
        title = tr.gettext(
            "{name}: the last {days} days", name=content.community_name, days=asked.period.days
        )
        png: dict[str, object] = {
            "content": chart_png(tr, content.community_name, content.series),
            "filename": "stats.png",
            "title": title,
        }
        return _upload(
            out, asked.user_id, [png], tr.gettext("Your chart for *{name}*.", name=content.community_name)
        )


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


KINDS: tuple[DeliveryKind, ...] = (Chart(), Export())
