"""Every Slack identifier copbot owns: the builders, the registration and the manifest test share these."""

from __future__ import annotations

from typing import Final

COMMAND: Final = "/cop"
EVENTS_PATH: Final = "/slack/events"
INSTALL_PATH: Final = "/slack/install"
OAUTH_REDIRECT_PATH: Final = "/slack/oauth_redirect"

# Events copbot subscribes to (the manifest must list exactly these).
BOT_EVENTS: Final = (
    "app_home_opened",
    "member_joined_channel",
    "app_uninstalled",
    "tokens_revoked",
    "channel_unarchive",  # channels:read; with group_unarchive (groups:read): a story refused there is posted
    "group_unarchive",
    "channel_archive",  # a community's public channel archived: the community is paused
    "group_archive",  # the same, for a private channel
)

# Bot scopes copbot asks for (the manifest must list exactly these): each is needed by a Web API call the code
# makes, which the sandbox proves by refusing calls without it. files:write (the stats CSV and chart) is asked
# for now for a feature on its way, so that installs done today need no new consent when it lands.
BOT_SCOPES: Final = (
    "channels:history",  # conversations.history/replies: was a post interrupted mid-send already made?
    "channels:join",  # conversations.join: a community's public channel
    "channels:manage",  # conversations.create and conversations.invite, public channels
    "channels:read",  # conversations.info, public channels
    "chat:write",  # chat.postMessage, chat.postEphemeral, chat.update
    "commands",  # /cop
    "files:write",  # stats (coming)
    "groups:history",  # the same check in private channels
    "groups:read",  # conversations.info, private channels
    "groups:write",  # conversations.invite, private channels
    "mpim:write",  # conversations.open with a group: pairing introductions
    "pins:write",  # pins.add: the welcome post
    "users:read",  # users.info: language, time zone, admin rights
)

# Modals (view callback_id).
CREATE_VIEW: Final = "community_create"
EDIT_VIEW: Final = "community_edit"
JOIN_VIEW: Final = "community_join"
LEAVE_VIEW: Final = "community_leave"
SHARE_VIEW: Final = "story_share"
SESSION_NEW_VIEW: Final = "session_new"
SESSION_EDIT_VIEW: Final = "session_edit"
SESSION_CANCEL_VIEW: Final = "session_cancel"
SESSION_ATTENDANCE_VIEW: Final = "session_attendance"
COMMUNITY_DELETE_VIEW: Final = "community_delete_confirm"  # the community's short name typed to confirm

# Buttons and other interactive elements (action_id). A button's `value` carries the community id.
JOIN_BUTTON: Final = "community_join_open"  # in /cop list, App Home and the channel-joiner offer
LEAVE_BUTTON: Final = "community_leave_open"  # App Home
SHARE_BUTTON: Final = "story_share_open"  # App Home ("share a story"; the share modal comes with its issue)
JOINER_DISMISS: Final = "channel_joiner_dismiss"
# App Home buttons (value: the community id, unless said otherwise).
HOME_CREATE: Final = "home_create"  # opens the create form (value unused)
HOME_HELP: Final = "home_help"  # a modal listing the commands (value unused)
HOME_EDIT: Final = "home_edit"  # organisers: the community's edit form
HOME_PLAN_SESSION: Final = "home_plan_session"  # organisers: the new session form
HOME_PROMPTS: Final = "home_prompts"  # organisers: the community's prompts, in a modal
HOME_STATS: Final = "home_stats"  # organisers: the figures, chart and CSV by DM
HOME_SEARCH: Final = "home_search"  # opens the story search modal of one community
HOME_SEARCH_VIEW: Final = "home_search_view"
HOME_SHOW: Final = "home_show"  # a folded community: redraw the Home with it in full
# Block ids of Join buttons whose message says "Joined ✓" once the join is done.
JOIN_FROM_LIST: Final = "join_from_list"  # /cop list: "join_from_list:<page>:<index>:<community id>"
JOIN_FROM_OFFER: Final = "join_from_offer"  # the channel-joiner offer: "join_from_offer:<community id>"

# Session buttons carry an occurrence reference as their value ("<series id>:<local date>", see
# copbot.domain.sessions.OccurrenceRef); the RSVP buttons appear on the list, the reminders and the App Home.
RSVP_GOING: Final = "session_rsvp_going"
RSVP_MAYBE: Final = "session_rsvp_maybe"
RSVP_CANT: Final = "session_rsvp_cant"
SESSION_EDIT_BUTTON: Final = "session_edit_open"  # organisers, in /cop sessions
SESSION_CANCEL_BUTTON: Final = "session_cancel_open"  # organisers, in /cop sessions
SESSION_TAKEAWAY_BUTTON: Final = "session_takeaway_open"  # the "what did you take away?" question
SESSION_ATTENDANCE_BUTTON: Final = "session_attendance_open"  # organisers, under the takeaway question
SESSIONS_MORE: Final = "sessions_more"  # the next page of /cop sessions; its value is the caller's

# Stories: paging /cop stories (the value is the search as JSON), "This helped me" on a channel post (the
# value is the story id).
STORIES_PREVIOUS: Final = "stories_previous"
STORIES_NEXT: Final = "stories_next"
STORY_HELPED: Final = "story_helped"
STORY_POST_AGAIN: Final = "story_post_again"  # in the DM saying Slack refused the post; value: the story id
# Story prompts: the prompt post's "Share your story" (its value is the prompt post's id), and the organisers'
# "slower rhythm" button (its value is "<community id>:<cadence>").
PROMPT_SHARE: Final = "prompt_share_open"
PROMPT_SLOWER: Final = "prompt_slower_apply"
# `/cop stories mine`: Edit and Delete carry the story's id; the edit modal.
STORY_EDIT: Final = "story_edit_open"
STORY_DELETE: Final = "story_delete"
STORY_EDIT_VIEW: Final = "story_edit"
MINE_PREVIOUS: Final = "stories_mine_previous"  # paging `/cop stories mine`: the value is the page wanted
MINE_NEXT: Final = "stories_mine_next"
# `/cop organisers add|remove` asks first: Confirm and Cancel carry "<add|remove>:<community id>:<user id>".
ORGANISER_CONFIRM: Final = "organiser_change_confirm"
ORGANISER_CANCEL: Final = "organiser_change_cancel"
# Pairing introductions: the answer buttons carry the group id, the Resume button the community id.
PAIR_MET: Final = "pairing_met"
PAIR_NOT_YET: Final = "pairing_not_yet"
PAIR_CANT: Final = "pairing_cant"
PAIR_RESUME: Final = "pairing_resume"  # in the pause DM and the App Home
PAIR_PAUSE: Final = "pairing_pause"  # App Home: until resumed
PAIR_EVERY_ROUND: Final = "pairing_every_round"  # App Home: the member's frequency in one community
PAIR_EVERY_OTHER: Final = "pairing_every_other"
PAIR_LEARNED_VIEW: Final = "pairing_learned"
PAIR_PREFERENCES: Final = "pairing_preferences"  # App Home: opens the introductions modal of one community
PAIR_PREFERENCES_VIEW: Final = "pairing_preferences_view"

# Community life, from the App Home and elsewhere (value: the community id).
COMMUNITY_PAUSE_ACTION: Final = "community_pause"
COMMUNITY_RESUME_ACTION: Final = "community_resume"
COMMUNITY_ARCHIVE_ACTION: Final = "community_archive"
COMMUNITY_UNARCHIVE_ACTION: Final = "community_unarchive"
COMMUNITY_DELETE_ACTION: Final = "community_delete"
