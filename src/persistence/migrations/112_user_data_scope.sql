-- 数据范围 set by an admin for one person (issue 8.6). No row = the role's default (a unit liaison or operator:
-- 本部门及以下; everyone else: 全部). custom lists exactly the units seen; charge (分管) lists the units a leader
-- is in charge of, each with every unit below it. unit_ids name units (never deleted, only deactivated).
CREATE TABLE user_data_scope (
  user_id     text PRIMARY KEY REFERENCES app_user(id),
  mode        text NOT NULL CHECK (mode IN ('all', 'unit', 'subtree', 'custom', 'charge')),
  unit_ids    text[] NOT NULL DEFAULT '{}',
  updated_by  text REFERENCES app_user(id),
  updated_at  timestamptz NOT NULL,
  CHECK ((mode IN ('custom', 'charge')) = (cardinality(unit_ids) > 0))
);
