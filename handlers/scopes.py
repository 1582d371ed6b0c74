"""The bot scopes journeybot asks for, each with the feature that needs it.

`manifest.yml` and the OAuth install must ask for exactly these (a test checks both).
"""

BOT_SCOPES: dict[str, str] = {
    "commands": "the /journey slash command",
    "chat:write": "answers, confirmations and DMs to reporters",
    "channels:history": "read the text of a message flagged as an irritant; watch requests",
    "groups:history": "the same in private channels the bot was invited to",
    "channels:read": "channel members: a person sees only their channels' irritants",
    "groups:read": "the same for private channels",
    "reactions:read": "irritant and acknowledgement reactions",
    "reactions:write": "the resolved mark on an irritant's message",
    "users:read": "each user's language and time zone (business hours, who is at work)",
    "dnd:read": "whether a team member is in Do Not Disturb, so nudges go to someone at work",
    "im:write": "open a DM to tell reporters their irritant was resolved",
    "files:write": "upload exports (CSV, JSON, Markdown) and board pictures",
}
