"""Raw events → identity resolution → touchpoints.

`run.events_process` claims unprocessed RawEvents in batches; per batch `identity.Resolver` holds
who each anonymous id, user id and email is, `people_sync` applies identify/alias/group/form
events to contacts and accounts, and `touchpoints` turns page/track/screen events into
Touchpoints classified by `channels.channel_for`. `payload`, `forms` and `channels` are plain
Python (no Django).
"""
