-- Read state per person (已读): a notification to a unit or a role is one row that each of its users reads
-- on their own, so "read" is kept per (notification, user), not on the notification.
CREATE TABLE notification_read (
  notification_id  text NOT NULL REFERENCES notification(id) ON DELETE CASCADE,
  user_id          text NOT NULL REFERENCES app_user(id),
  read_at          timestamptz NOT NULL,
  PRIMARY KEY (notification_id, user_id)
);
CREATE INDEX notification_read_user_idx ON notification_read(user_id);
CREATE INDEX notification_role_idx ON notification(role, created_at);

-- When the channel worker turned a notification into e-mail / SMS deliveries (null: not yet). Notifications
-- written before this migration count as done, so turning channels on does not send the past.
ALTER TABLE notification ADD COLUMN channels_queued_at timestamptz;
UPDATE notification SET channels_queued_at = created_at;
CREATE INDEX notification_channels_pending_idx ON notification(created_at) WHERE channels_queued_at IS NULL;
