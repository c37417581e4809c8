-- A period's 通报 gets its 文号 the first time it is issued (downloaded) and keeps it: downloading it again
-- prints the same number, so the document the units received and the one on file agree.
CREATE TABLE bulletin_issue (
  period_key  text NOT NULL,
  kind        text NOT NULL,
  year        integer NOT NULL,
  seq         integer NOT NULL,
  number      text NOT NULL UNIQUE,
  issued_on   date NOT NULL,
  issued_at   timestamptz NOT NULL,
  PRIMARY KEY (period_key, kind)
);
