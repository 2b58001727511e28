"""Which group sizes a round makes: the configured size, and what happens to the members left over.

Nobody gets a smaller group than they asked for when it can be helped: the members left over join groups,
which become one larger. With pairs, an odd count makes one trio (what users of pairing bots know from Donut);
with trios, 3k+1 members make one group of four and 3k+2 make two, rather than pairs: people who chose trios
want a group conversation, and a pair would leave two of them one-to-one. Groups never grow past one extra
member, so five members in trios make a trio and a pair. When avoid lists rule the planned shape out, the
nearest one that places everybody is used: each size off the configured one has a cost, and the round
takes the lowest total.
"""

from __future__ import annotations

# For each configured size, the sizes a group may have and what each costs (in units of SHAPE_TIER).
# A pair among trios costs three groups of four: two groups of four beat a trio and a pair for 8 members.
SHAPE_COSTS = {2: {2: 0, 3: 1}, 3: {3: 0, 4: 1, 2: 3}}


def planned_sizes(count: int, size: int) -> tuple[int, ...]:
    """The group sizes for `count` members when nothing is avoided, largest first; () below two members."""
    if count < 2:  # noqa: PLR2004 - a group needs two people
        return ()
    groups, left = divmod(count, size)
    if left > groups or groups == 0:
        return (*[size] * groups, left)
    return (*[size + 1] * left, *[size] * (groups - left))
