-- Platform: units (单位), remembered unit mappings, users and sessions, the audit log (审计日志).

CREATE TABLE unit (
  id          text PRIMARY KEY,                 -- stable code chosen at import, e.g. 'sjj' or '110105'
  name        text NOT NULL,
  parent_id   text REFERENCES unit(id),
  level       text NOT NULL DEFAULT 'department' -- city | district | township | department | office
              CHECK (level IN ('province','city','district','township','community','department','office')),
  function    text,                             -- 市场监管, 卫生健康, 交通运输 …
  aliases     text[] NOT NULL DEFAULT '{}',
  active      boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX unit_parent_idx ON unit(parent_id);

-- A unit string an extraction found, mapped by a person to a unit; remembered for later imports.
CREATE TABLE unit_mapping (
  raw         text PRIMARY KEY,
  unit_id     text NOT NULL REFERENCES unit(id),
  created_by  text,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE app_user (
  id            text PRIMARY KEY,
  username      text NOT NULL UNIQUE,
  display_name  text NOT NULL,
  password_hash text NOT NULL,                  -- argon2id
  role          text NOT NULL CHECK (role IN ('admin','supervisor','unit_liaison','leader','operator')),
  unit_id       text REFERENCES unit(id),       -- the unit whose items (and sub-units' items) the user sees
  active        boolean NOT NULL DEFAULT true,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE user_session (
  token_hash  text PRIMARY KEY,                 -- sha256 of the bearer token; the token itself is never stored
  user_id     text NOT NULL REFERENCES app_user(id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL
);

-- Append-only, hash-chained: hash = sha256(prev_hash || canonical row); `duban audit verify` recomputes it.
CREATE TABLE audit_log (
  seq        bigserial PRIMARY KEY,
  at         timestamptz NOT NULL,
  actor_id   text,
  action     text NOT NULL,                     -- e.g. 'item.transition', 'unit.import', 'user.login'
  entity     text NOT NULL,
  entity_id  text,
  before     jsonb,
  after      jsonb,
  prev_hash  text NOT NULL,
  hash       text NOT NULL
);
