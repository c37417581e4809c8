-- Remembered unit mappings (单位对应) belong to a jurisdiction: 环境保护局 in 金普新区's plans means 金普新区环境保护局,
-- never another city's bureau. scope is the place unit the mapping was made for ('' = every document, the rows from
-- before). A collective name (各街道) maps to the set of units it stands for (member_ids); unit_id is then the
-- jurisdiction itself.
ALTER TABLE unit_mapping ADD COLUMN scope text NOT NULL DEFAULT '';
ALTER TABLE unit_mapping ADD COLUMN member_ids text[] NOT NULL DEFAULT '{}';
ALTER TABLE unit_mapping DROP CONSTRAINT unit_mapping_pkey;
ALTER TABLE unit_mapping ADD PRIMARY KEY (raw, scope);
