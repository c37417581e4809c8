-- The knowledge base (知识库): vetted answers operators give on the call and the public reads. An entry is written
-- (draft), submitted for review (pending), approved (published) or sent back (returned) by someone other than its
-- writer; every edit is a new version kept in knowledge_version. Search is Chinese full-text that works alike on
-- PostgreSQL and PGlite: jieba's words for title and body are stored space-joined in search_tokens, the 'simple'
-- text-search configuration indexes them as they are, and a query's words are ORed and ranked by ts_rank.
CREATE TABLE knowledge_entry (
  id             text PRIMARY KEY,
  owner_unit_id  text REFERENCES unit(id),        -- the unit that answers for the entry's content
  category_code  text,                            -- a service catalogue (服务目录) code, e.g. '03.02.05'
  title          text NOT NULL,
  body           text NOT NULL,
  valid_from     date NOT NULL,
  valid_to       date,                            -- null: no end
  public         boolean NOT NULL DEFAULT false,  -- shown on the public page once published
  status         text NOT NULL CHECK (status IN ('draft','pending','published','returned')),
  author_id      text,                            -- who wrote the first version
  editor_id      text,                            -- who wrote the current version
  reviewer_id    text,
  review_note    text,
  reviewed_at    timestamptz,
  version        integer NOT NULL,
  search_tokens  text NOT NULL DEFAULT '',
  created_at     timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL,
  CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX knowledge_entry_search_idx ON knowledge_entry USING gin (to_tsvector('simple', search_tokens));
CREATE INDEX knowledge_entry_status_idx ON knowledge_entry (status, valid_from);

CREATE TABLE knowledge_version (
  entry_id   text NOT NULL REFERENCES knowledge_entry(id),
  version    integer NOT NULL,
  title      text NOT NULL,
  body       text NOT NULL,
  edited_by  text,
  at         timestamptz NOT NULL,
  PRIMARY KEY (entry_id, version)
);
