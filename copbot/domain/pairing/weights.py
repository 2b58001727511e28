"""How much copbot wants two members to meet: named weights, each with the reason it is there.

Members are numbered 0..n-1 in ascending member id; every per-member trait is precomputed once, so the
weight of a pair is a handful of list lookups (the matching asks for about 100,000 at 10,000 members). What
depends on experience and time zone only is read from a small table of member profiles.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from copbot.domain.enums import Experience
from copbot.domain.pairing.model import PairingMember, RoundInputs

# Never met within the window: worth more than any repeat with every bonus, so repeats come last.
FIRST_MEETING = 1000
# A repeat earns back up to this much as the meeting fades: meeting again after months is less bad than after
# weeks. Kept below FIRST_MEETING minus every bonus together, so a first meeting always outweighs a repeat.
REPEAT_FADE_MAX = 600
# A repeat after this many days earns back half of REPEAT_FADE_MAX: the first weeks weigh most.
REPEAT_HALF_DAYS = 84
# After a year meeting again is welcome: older meetings count as first meetings (so rounds pass a year of
# history at most).
REPEAT_WINDOW = timedelta(days=365)
# A member who joined this recently still finds their way around the community: a newcomer.
NEWCOMER_WINDOW = timedelta(weeks=8)
# Newcomers learn most from the experienced, and still a lot from those who practise.
GUIDE_POINTS = {Experience.EXPERIENCED: 120, Experience.PRACTISING: 80}
# People across team lines: silos break empathy, and each learns how the other team works.
DIFFERENT_TEAMS = 60
# Each working hour the two share makes the meeting easier to schedule; a full day (8 h) is worth 120.
OVERLAP_PER_HOUR = 15
# The working day assumed for everyone, in their own time zone.
WORKDAY_START = time(9)
WORKDAY_MINUTES = 8 * 60
# A light bonus per shared interest, counted up to three: a conversation starter, not a reason to meet.
SHARED_INTEREST = 10
SHARED_INTERESTS_COUNTED = 3

_DAY_MINUTES = 24 * 60
_SECONDS_PER_DAY = 86_400


Role = tuple[bool, bool, int]  # (newcomer, knows the craft, what they bring as a guide)


class Traits:
    """The members' traits, indexed 0..n-1, and the pairs that met within the window."""

    def __init__(self, inputs: RoundInputs) -> None:
        members = sorted(inputs.members, key=lambda member: member.member_id)
        self.members = members
        self.n = len(members)
        self.index = {member.member_id: i for i, member in enumerate(members)}
        self.now = now = inputs.now
        self.newcomer = [_is_newcomer(member, now) for member in members]
        self.role: list[Role] = [
            (new, member.experience is not Experience.NEW, GUIDE_POINTS.get(member.experience, 0))
            for member, new in zip(members, self.newcomer, strict=True)
        ]
        self.workday = _workday_starts(members, now)
        self.profile, self.table = _profiles(self.role, self.workday)
        self.team = _team_numbers(members)
        self.interests = _interest_masks(members)
        self.met = _last_meetings(inputs, self.index)
        self.avoided = _avoided_pairs(inputs, self.index)

    def key(self, i: int, j: int) -> int:
        """One integer for the unordered pair, to look it up in `met` and `avoided`."""
        return i * self.n + j if i < j else j * self.n + i

    def allowed(self, i: int, j: int) -> bool:
        return i != j and self.key(i, j) not in self.avoided

    def fresh(self, i: int, j: int) -> bool:
        """The pair has not met within the window."""
        return self.key(i, j) not in self.met

    def weight(self, i: int, j: int, key: int | None = None) -> int:
        """How much the pair should meet; `key` saves recomputing it (the matching's hot path)."""
        met_at = self.met.get(self.key(i, j) if key is None else key)
        points = FIRST_MEETING if met_at is None else self.fade(met_at)
        points += self.table[self.profile[i]][self.profile[j]]
        team_i, team_j = self.team[i], self.team[j]
        if team_i and team_j and team_i != team_j:
            points += DIFFERENT_TEAMS
        shared = self.interests[i] & self.interests[j]
        if shared:
            points += min(shared.bit_count(), SHARED_INTERESTS_COUNTED) * SHARED_INTEREST
        return points

    def fade(self, met_at: datetime) -> int:
        """What a repeat earns back, growing with the time since the pair met."""
        days = max(0, int((self.now - met_at).total_seconds()) // _SECONDS_PER_DAY)
        return REPEAT_FADE_MAX * days // (days + REPEAT_HALF_DAYS)

    def overlap(self, i: int, j: int) -> int:
        """Minutes of working day the two share on the round's date (0 when a time zone is unknown)."""
        return overlap_minutes(self.workday[i], self.workday[j])


def guide_points(seeker: Role, guide: Role) -> int:
    """What `guide` brings to `seeker`: the craft to someone new to it, the community to a recent joiner."""
    seeker_new, seeker_knows_craft, _ = seeker
    guide_new, _, guide_brings = guide
    if not seeker_new or (seeker_knows_craft and guide_new):
        return 0  # two recent joiners who both know the craft: neither knows the community yet
    return guide_brings


def overlap_minutes(start_i: int, start_j: int) -> int:
    """Minutes two working days share, each given by its start in UTC minutes after midnight (-1: unknown)."""
    if start_i < 0 or start_j < 0:
        return 0
    apart = (start_j - start_i) % _DAY_MINUTES
    return max(0, WORKDAY_MINUTES - apart) + max(0, WORKDAY_MINUTES - (_DAY_MINUTES - apart))


def fold(text: str) -> str:
    """Interests and teams compare without case or extra spaces."""
    return " ".join(text.split()).casefold()


def _profiles(roles: list[Role], workdays: list[int]) -> tuple[list[int], list[list[int]]]:
    """Each member's profile (role and working day), and the points any two profiles bring a pair."""
    kinds: dict[tuple[Role, int], int] = {}
    profile = [kinds.setdefault(kind, len(kinds)) for kind in zip(roles, workdays, strict=True)]
    table = [
        [
            max(guide_points(role_a, role_b), guide_points(role_b, role_a))
            + overlap_minutes(start_a, start_b) * OVERLAP_PER_HOUR // 60
            for role_b, start_b in kinds
        ]
        for role_a, start_a in kinds
    ]
    return profile, table


def _is_newcomer(member: PairingMember, now: datetime) -> bool:
    return member.experience is Experience.NEW or member.joined_at > now - NEWCOMER_WINDOW


def _team_numbers(members: list[PairingMember]) -> list[int]:
    """A number per team name (0 when unknown), so comparing teams is comparing integers."""
    numbers: dict[str, int] = {"": 0}
    return [numbers.setdefault(fold(member.team), len(numbers)) for member in members]


def _interest_masks(members: list[PairingMember]) -> list[int]:
    """A bit per distinct interest, so shared interests are one `&` and a bit count."""
    bits: dict[str, int] = {}
    masks = []
    for member in members:
        mask = 0
        for interest in member.interests:
            if folded := fold(interest):
                mask |= 1 << bits.setdefault(folded, len(bits))
        masks.append(mask)
    return masks


def _workday_starts(members: list[PairingMember], now: datetime) -> list[int]:
    """When each member's working day starts, in UTC minutes after midnight, on their own date of `now`.

    Computing it for that date gives the offset in force on the round's day, so summer time is right; -1 when
    the time zone is unknown. One lookup per distinct zone: a community has few.
    """
    starts: dict[str | None, int] = {}
    for zone in {member.time_zone for member in members}:
        starts[zone] = _workday_start(zone, now)
    return [starts[member.time_zone] for member in members]


def _workday_start(zone_name: str | None, now: datetime) -> int:
    try:
        zone = ZoneInfo(zone_name or "")
    except (ZoneInfoNotFoundError, ValueError):
        return -1
    start = datetime.combine(now.astimezone(zone).date(), WORKDAY_START, tzinfo=zone).astimezone(UTC)
    return start.hour * 60 + start.minute


def _last_meetings(inputs: RoundInputs, index: dict[int, int]) -> dict[int, datetime]:
    """When each pair of eligible members last met, within the window.

    A hot loop (100,000 groups at 10,000 members): pairs, the common case, take a short path.
    """
    n, get = len(index), index.get
    since = inputs.now - REPEAT_WINDOW
    met: dict[int, datetime] = {}
    for group in inputs.history:
        at, ids = group.round_at, group.member_ids
        if at <= since:
            continue
        if len(ids) == 2:  # noqa: PLR2004 - a pair
            i, j = get(ids[0]), get(ids[1])
            if (
                i is not None
                and j is not None
                and met.get(key := i * n + j if i < j else j * n + i, since) < at
            ):
                met[key] = at
            continue
        present = [i for i in map(get, ids) if i is not None]
        for pos, i in enumerate(present, start=1):
            for j in present[pos:]:
                if met.get(key := i * n + j if i < j else j * n + i, since) < at:
                    met[key] = at
    return met


def _avoided_pairs(inputs: RoundInputs, index: dict[int, int]) -> set[int]:
    n = len(index)
    return {
        min(index[a], index[b]) * n + max(index[a], index[b])
        for a, b in inputs.avoids
        if a in index and b in index and a != b
    }
