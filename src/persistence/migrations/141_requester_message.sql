-- Messages to requesters (诉求人短信), issue 9 point 4 (并单): a requester has no account and no in-app inbox, so
-- what the centre tells them goes by SMS to the ticket's requester phone: the notice that their ticket was merged
-- into another's handling, and the handling's reply, to every requester of it (the primary's and each merged
-- ticket's). A row is written in the transaction of the merge or the reply, then queued by the channel worker as
-- a channel_delivery on the SMS channel (sent and retried as notifications are); one row per dedupe key.
CREATE TABLE requester_message (
  id          text PRIMARY KEY,
  item_id     text NOT NULL REFERENCES item(id),   -- the ticket whose requester is told
  phone       text NOT NULL,
  purpose     text NOT NULL CHECK (purpose IN ('merge_notice', 'reply')),
  text        text NOT NULL,
  dedupe_key  text NOT NULL UNIQUE,
  created_at  timestamptz NOT NULL,
  queued_at   timestamptz                         -- null until the channel worker has turned it into a delivery
);
CREATE INDEX requester_message_unqueued_idx ON requester_message(created_at) WHERE queued_at IS NULL;
CREATE INDEX requester_message_item_idx ON requester_message(item_id);

-- A delivery now comes from a notification (to a user) or from a requester message (to a phone), never both.
ALTER TABLE channel_delivery ALTER COLUMN notification_id DROP NOT NULL;
ALTER TABLE channel_delivery ADD COLUMN requester_message_id text UNIQUE REFERENCES requester_message(id) ON DELETE CASCADE;
ALTER TABLE channel_delivery ADD CONSTRAINT channel_delivery_one_source CHECK ((notification_id IS NULL) <> (requester_message_id IS NULL));
