-- A delivered or given-up webhook delivery has no next attempt: next_attempt_at is null once it is not pending.
ALTER TABLE webhook_delivery ALTER COLUMN next_attempt_at DROP NOT NULL;
UPDATE webhook_delivery SET next_attempt_at = NULL WHERE status <> 'pending';
