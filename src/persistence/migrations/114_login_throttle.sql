-- Login throttling (登录限制) shared by every server process on the database (issue 11): one row per account
-- ('account:<name lower-cased>') or client address ('address:<ip>') with its failures in the current window and
-- its lock. Rows expire: a row past expires_at counts for nothing and is deleted by the next purge.
CREATE TABLE login_throttle (
  key text PRIMARY KEY,
  failures integer NOT NULL,
  window_start timestamptz NOT NULL,
  locked_until timestamptz,
  expires_at timestamptz NOT NULL
);
CREATE INDEX login_throttle_expires_idx ON login_throttle (expires_at);
