-- 12345 tickets (工单): the service catalogue (服务目录) with time limits, the dispatch catalogue (派单目录),
-- and the intake facts of each ticket beside its item row (kind 'ticket'). Catalogue and rules are versioned:
-- an edit writes a new version row and retires the old one; a ticket keeps the limits it started with
-- (copied into its snapshot data at intake), so editing the catalogue never moves a running clock.

-- One category of the service catalogue, in three levels (城乡建设 › 市容环境 › 占道经营).
CREATE TABLE service_category (
  code          text NOT NULL,                   -- stable code, e.g. '03.02.05'; Open311 service_code
  version       int  NOT NULL,
  parent_code   text,                            -- null for level 1
  level         int  NOT NULL CHECK (level BETWEEN 1 AND 3),
  name          text NOT NULL,
  description   text NOT NULL DEFAULT '',
  -- Time limits by urgency tier: {"urgent": {"unit":"working_hours","amount":2}, "pressing": …, "normal": …,
  -- "consultation": …}; a level-2/3 category without limits takes its parent's.
  time_limits   jsonb,
  -- The function (职能) of the units that handle it, e.g. '城市管理'; null for level 1–2 groupings.
  function      text,
  -- 乡镇(街道)履职事项: work the 履职清单 gives to townships; only these may be dispatched to a township.
  township_duty boolean NOT NULL DEFAULT false,
  active        boolean NOT NULL DEFAULT true,   -- the current version of the code is the one active row
  created_by    text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (code, version)
);
CREATE UNIQUE INDEX service_category_current_idx ON service_category(code) WHERE active;

-- A dispatch rule (派单规则): category (a code or a code prefix) and place (a district/township subtree, or
-- anywhere) → the handling unit, chosen directly or as "the unit of this function under the place's district".
CREATE TABLE dispatch_rule (
  id              text NOT NULL,
  version         int  NOT NULL,
  category_code   text NOT NULL,                 -- matches the code itself or any code under it ('03' matches '03.02.05')
  place_unit_id   text REFERENCES unit(id),      -- null: anywhere; else the place must lie in this unit's subtree
  unit_id         text REFERENCES unit(id),      -- the handling unit; null when by_function is used
  by_function     text,                          -- handled by the unit with this function in the place's district (or city)
  priority        int  NOT NULL DEFAULT 100,     -- lower wins among matches of equal specificity
  basis           text NOT NULL DEFAULT '',      -- the 三定 / 权责清单 line the rule rests on
  active          boolean NOT NULL DEFAULT true,
  created_by      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id, version),
  CHECK (unit_id IS NOT NULL OR by_function IS NOT NULL)
);
CREATE UNIQUE INDEX dispatch_rule_current_idx ON dispatch_rule(id) WHERE active;

-- The intake facts of a ticket (工单受理信息), one row per ticket item. The requester's name and phone live
-- here only; views mask them unless a role needs them and an audited reveal was made.
CREATE TABLE ticket (
  item_id          text PRIMARY KEY REFERENCES item(id),
  channel          text NOT NULL CHECK (channel IN ('phone','web','api','open311')),
  request_type     text NOT NULL CHECK (request_type IN ('consultation','help','complaint','report','suggestion','praise')),
  category_code    text NOT NULL,
  category_version int  NOT NULL,
  urgency          text NOT NULL CHECK (urgency IN ('urgent','pressing','normal')),
  anonymous        boolean NOT NULL DEFAULT false,
  requester_name   text,
  requester_phone  text,                          -- digits only, e.g. '13812345678'
  address          text NOT NULL DEFAULT '',
  lat              double precision,
  lng              double precision,
  place_unit_id    text REFERENCES unit(id),      -- district / township / community the place lies in
  content          text NOT NULL,
  received_at      timestamptz NOT NULL,
  received_by      text,                          -- operator user id; null for public / open311 intake
  -- The requester's own rating on the public page (评价), once.
  citizen_rating   text CHECK (citizen_rating IN ('satisfied','basically_satisfied','unsatisfied')),
  citizen_comment  text,
  rated_at         timestamptz,
  FOREIGN KEY (category_code, category_version) REFERENCES service_category(code, version)
);
CREATE INDEX ticket_received_idx ON ticket(received_at);
CREATE INDEX ticket_category_idx ON ticket(category_code, received_at);
CREATE INDEX ticket_place_idx ON ticket(place_unit_id, received_at);
CREATE INDEX ticket_phone_idx ON ticket(requester_phone);
