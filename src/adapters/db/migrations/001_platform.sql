-- Placeholder so the runner has something to apply; platform tables arrive in 002+.
CREATE TABLE IF NOT EXISTS app_meta (key text PRIMARY KEY, value jsonb NOT NULL);
