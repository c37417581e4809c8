-- Items (事项) of every kind, plans (工作要点) they come from, and what happens to them.

CREATE TABLE plan (
  id           text PRIMARY KEY,
  title        text NOT NULL,
  file_name    text NOT NULL,
  year         int,
  issuer       text,
  doc_number   text,
  status       text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','confirmed','discarded')),
  draft        jsonb NOT NULL,                  -- the proposed ledger, editable during review
  created_by   text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  confirmed_at timestamptz
);

CREATE TABLE item (
  id            text PRIMARY KEY,
  number        text NOT NULL UNIQUE,           -- human number, e.g. 'DB-2026-0001'
  kind          text NOT NULL,                  -- 'task' | 'ticket' | …
  kind_version  int  NOT NULL,                  -- items keep the kind version they started with
  state         text NOT NULL,
  state_type    text NOT NULL CHECK (state_type IN ('open','waiting','closed')),
  title         text NOT NULL,
  body          text NOT NULL DEFAULT '',
  plan_id       text REFERENCES plan(id),
  source_line   int,
  path          text[] NOT NULL DEFAULT '{}',
  due_date      date,
  snapshot      jsonb NOT NULL,                 -- the engine snapshot (clocks, counters, data)
  data          jsonb NOT NULL DEFAULT '{}',    -- targets, reporting cadence, kind-specific fields
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  closed_at     timestamptz,
  version       int NOT NULL DEFAULT 1          -- optimistic locking
);
CREATE INDEX item_kind_state_idx ON item(kind, state_type);
CREATE INDEX item_due_idx ON item(due_date) WHERE state_type <> 'closed';
CREATE INDEX item_plan_idx ON item(plan_id);

CREATE TABLE item_unit (
  item_id  text NOT NULL REFERENCES item(id),
  unit_id  text NOT NULL REFERENCES unit(id),
  role     text NOT NULL CHECK (role IN ('lead','responsible','cooperating')),
  PRIMARY KEY (item_id, unit_id, role)
);
CREATE INDEX item_unit_unit_idx ON item_unit(unit_id);

-- Every transition taken, in order: the item's history (the audit log keeps the tamper-evident copy).
CREATE TABLE item_event (
  seq         bigserial PRIMARY KEY,
  item_id     text NOT NULL REFERENCES item(id),
  event       text NOT NULL,
  from_state  text NOT NULL,
  to_state    text NOT NULL,
  actor_id    text,
  actor_role  text NOT NULL,
  unit_id     text REFERENCES unit(id),
  payload     jsonb NOT NULL DEFAULT '{}',
  at          timestamptz NOT NULL
);
CREATE INDEX item_event_item_idx ON item_event(item_id, seq);

CREATE TABLE progress_report (
  id           text PRIMARY KEY,
  item_id      text NOT NULL REFERENCES item(id),
  unit_id      text NOT NULL REFERENCES unit(id),
  period       text,                            -- the cadence period it answers, e.g. '2026-05'
  body         text NOT NULL,
  target_values jsonb NOT NULL DEFAULT '[]',    -- [{metric, value}] against the item's targets
  attachments  jsonb NOT NULL DEFAULT '[]',     -- [{id, name, size, mime}]
  on_time      boolean NOT NULL DEFAULT true,
  reported_by  text,
  reported_at  timestamptz NOT NULL
);
CREATE INDEX progress_report_item_idx ON progress_report(item_id);

CREATE TABLE attachment (
  id          text PRIMARY KEY,
  item_id     text NOT NULL REFERENCES item(id),
  name        text NOT NULL,
  mime        text NOT NULL,
  size        int NOT NULL,
  content     bytea NOT NULL,
  created_by  text,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE extension_request (
  id              text PRIMARY KEY,
  item_id         text NOT NULL REFERENCES item(id),
  unit_id         text NOT NULL REFERENCES unit(id),
  reason          text NOT NULL,
  current_due     date,
  requested_due   date NOT NULL,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','approved','refused')),
  decided_by      text,
  decision_reason text,
  created_at      timestamptz NOT NULL,
  decided_at      timestamptz
);
