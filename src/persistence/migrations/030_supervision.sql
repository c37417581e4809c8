-- Supervision (督办): per-kind configuration, the ledger of actions already taken (so a tick is
-- idempotent), in-app notifications, supervision notices (督办单), and the outbound webhook outbox.

-- Per kind: warning window, reporting cadence and escalation ladder (提醒 → 督办单 → 约谈 → 通报 → 问责).
CREATE TABLE supervision_config (
  kind         text PRIMARY KEY,
  warn_before  int NOT NULL DEFAULT 3 CHECK (warn_before BETWEEN 0 AND 60),  -- working days before due
  reporting    jsonb NOT NULL,                  -- ReportingCadence, e.g. {"every":"month","day":25}
  ladder       jsonb NOT NULL,                  -- [{name,label,afterDueWorkingDays,action}]
  updated_by   text,
  updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Everything the scheduler did, once: key = action + item + what it answers (due date, period, step).
CREATE TABLE supervision_action (
  key         text PRIMARY KEY,                 -- e.g. 'escalate:<item>:2026-05-15:notice'
  item_id     text NOT NULL REFERENCES item(id),
  action      text NOT NULL CHECK (action IN ('warn','overdue','report_missing','escalate')),
  step        text,                             -- ladder step name for 'escalate'
  ref         text NOT NULL,                    -- the due date or reporting period it concerns
  due_at      timestamptz,                      -- when it became due (step instant, report deadline)
  at          timestamptz NOT NULL              -- the tick's now
);
CREATE INDEX supervision_action_item_idx ON supervision_action(item_id);

-- In-app notifications (消息): to a user, to every user of a unit, or to every user holding a role.
CREATE TABLE notification (
  id          text PRIMARY KEY,
  dedupe_key  text NOT NULL UNIQUE,
  user_id     text REFERENCES app_user(id),
  unit_id     text REFERENCES unit(id),
  role        text,
  item_id     text REFERENCES item(id),
  type        text NOT NULL,                    -- item.due_soon | item.overdue | report.missing | notice.issued | escalation.*
  title       text NOT NULL,
  body        text NOT NULL DEFAULT '',
  created_at  timestamptz NOT NULL,
  read_at     timestamptz,
  CHECK (user_id IS NOT NULL OR unit_id IS NOT NULL OR role IS NOT NULL)
);
CREATE INDEX notification_unit_idx ON notification(unit_id, created_at);
CREATE INDEX notification_user_idx ON notification(user_id, created_at);

-- 督办单: numbered per year, 督办〔2026〕12号.
CREATE TABLE supervision_counter (
  year  int PRIMARY KEY,
  last  int NOT NULL
);

CREATE TABLE supervision_notice (
  id                  text PRIMARY KEY,
  year                int NOT NULL,
  seq                 int NOT NULL,
  number              text NOT NULL UNIQUE,
  item_id             text NOT NULL REFERENCES item(id),
  unit_ids            text[] NOT NULL,
  reason              text NOT NULL,
  reply_working_days  int NOT NULL CHECK (reply_working_days BETWEEN 1 AND 60),
  reply_due           date NOT NULL,
  status              text NOT NULL DEFAULT 'issued' CHECK (status IN ('issued','replied')),
  origin              text NOT NULL CHECK (origin IN ('manual','ladder')),
  issued_by           text,
  issued_at           timestamptz NOT NULL,
  reply_text          text,
  replied_by          text,
  replied_unit_id     text REFERENCES unit(id),
  replied_at          timestamptz,
  UNIQUE (year, seq)
);
CREATE INDEX supervision_notice_item_idx ON supervision_notice(item_id);

-- Outbound webhooks: subscriptions and an outbox of deliveries with retry/backoff.
CREATE TABLE webhook_subscription (
  id           text PRIMARY KEY,
  url          text NOT NULL,
  event_types  text[] NOT NULL,                 -- e.g. {item.overdue, notice.issued} or {*}
  secret       text NOT NULL,                   -- HMAC-SHA256 key for X-Duban-Signature
  active       boolean NOT NULL DEFAULT true,
  description  text NOT NULL DEFAULT '',
  created_by   text,
  created_at   timestamptz NOT NULL
);

CREATE TABLE webhook_delivery (
  id               text PRIMARY KEY,
  subscription_id  text NOT NULL REFERENCES webhook_subscription(id) ON DELETE CASCADE,
  event_id         text NOT NULL,               -- the dedupe key of what happened
  event_type       text NOT NULL,
  payload          jsonb NOT NULL,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','delivered','failed')),
  attempts         int NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL,
  last_status      int,
  last_error       text,
  created_at       timestamptz NOT NULL,
  delivered_at     timestamptz,
  UNIQUE (subscription_id, event_id)
);
CREATE INDEX webhook_delivery_due_idx ON webhook_delivery(next_attempt_at) WHERE status = 'pending';
