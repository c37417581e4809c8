-- Deliveries of notifications over the channels an admin configures (e-mail over SMTP, an SMS gateway over
-- HTTP): one row per notification, channel and person, retried with growing pauses by the channel worker.
CREATE TABLE channel_delivery (
  id               text PRIMARY KEY,
  notification_id  text NOT NULL REFERENCES notification(id) ON DELETE CASCADE,
  channel          text NOT NULL CHECK (channel IN ('email','sms')),
  user_id          text REFERENCES app_user(id),
  recipient        text NOT NULL,                 -- the address or number it went to
  subject          text NOT NULL,
  body             text NOT NULL,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','delivered','failed')),
  attempts         int NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz,                   -- null once delivered or given up
  last_error       text,
  created_at       timestamptz NOT NULL,
  delivered_at     timestamptz,
  UNIQUE (notification_id, channel, user_id)
);
CREATE INDEX channel_delivery_due_idx ON channel_delivery(next_attempt_at) WHERE status = 'pending';
CREATE INDEX channel_delivery_created_idx ON channel_delivery(created_at);
