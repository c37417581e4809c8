-- 12345 KPIs by month beside the days (issue 7.3): the dashboard's year read 32,231 unit-day rows and two years of
-- received counts per day, category and place (435 ms at 200k tickets after a hand VACUUM, 1.4 s without one). The
-- fold (src/persistence/hotline-kpi-agg.repo.ts, foldStep) now adds every delta to its day row and to its month row in
-- the same statement, and a period reads whole months from the month rows (those ending on or before asOf's day) and
-- day rows only at its two edges: at most ~61 days and 25 months (a period is at most 732 days).
--
-- A month row (key_month = the month's first day) holds the sums of the month's day rows, with the two day columns
-- the read compares clamped to what it can still tell apart for a whole month it reads:
--   step_day:  '-infinity' when the step is inside the month (a month is read only when it ended on or before asOf's
--              day, so such a step is always before asOf); the day itself when the step is later (compared with asOf).
--   since_day: the month's first day when the previous dispatch is inside the month (a month is read only when the
--              period starts on or before it, so such a volume never counts, like the month's first day); else the day.
-- So a month row answers exactly what its day rows would, for every period and asOf it is read for.
--
-- The trend (per China day, any grouping) reads one row per day: hotline_trend_day holds the day's event counts over
-- every unit (those columns are keyed and settled at the event's own instant, so the day is both) and its received
-- tickets (dim 'c' of hotline_recv_day). hotline_recv_month: hotline_recv_day by month.
--
-- fold_dead: deltas the fold deleted since the job last vacuumed the delta tables (the job vacuums them when the
-- fold has caught up and this passed a threshold: a read of the deltas would otherwise step over every folded
-- delta's dead row on a server without autovacuum: at 200k tickets the backfill leaves 2.5M, 380 MB, read whole by
-- two of the dashboard's statements, 1.1-2.1 s each).

CREATE TABLE hotline_kpi_month (
  key_month       date NOT NULL,
  unit_id         text NOT NULL,
  step_day        date NOT NULL,
  since_day       date NOT NULL,
  events          bigint NOT NULL DEFAULT 0,
  dispatches      bigint NOT NULL DEFAULT 0,
  returns         bigint NOT NULL DEFAULT 0,
  reopens         bigint NOT NULL DEFAULT 0,
  replies         bigint NOT NULL DEFAULT 0,
  replies_on_time bigint NOT NULL DEFAULT 0,
  follow_ups      bigint NOT NULL DEFAULT 0,
  rated           bigint NOT NULL DEFAULT 0,
  satisfied       bigint NOT NULL DEFAULT 0,
  asked           bigint NOT NULL DEFAULT 0,
  solved          bigint NOT NULL DEFAULT 0,
  accept_n        bigint NOT NULL DEFAULT 0,
  accept_d        bigint NOT NULL DEFAULT 0,
  respond_n       bigint NOT NULL DEFAULT 0,
  respond_d       bigint NOT NULL DEFAULT 0,
  late_open       bigint NOT NULL DEFAULT 0,
  volume          bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (key_month, unit_id, step_day, since_day)
);

CREATE TABLE hotline_recv_month (
  month         date NOT NULL,
  dim           text NOT NULL,
  code          text NOT NULL,
  n             bigint NOT NULL,
  PRIMARY KEY (month, dim, code)
);

CREATE TABLE hotline_trend_day (
  day             date PRIMARY KEY,
  received        bigint NOT NULL DEFAULT 0,
  events          bigint NOT NULL DEFAULT 0,
  dispatches      bigint NOT NULL DEFAULT 0,
  replies         bigint NOT NULL DEFAULT 0,
  replies_on_time bigint NOT NULL DEFAULT 0,
  follow_ups      bigint NOT NULL DEFAULT 0,
  satisfied       bigint NOT NULL DEFAULT 0,
  reopens         bigint NOT NULL DEFAULT 0,
  returns         bigint NOT NULL DEFAULT 0
);

-- The deltas folded before this migration were never counted: the job's first fold that catches up vacuums once.
ALTER TABLE hotline_kpi_state ADD COLUMN fold_dead bigint NOT NULL DEFAULT 0;
UPDATE hotline_kpi_state SET fold_dead = 1000000000;

-- Filled from the day rows, which hold the same sums.
INSERT INTO hotline_kpi_month (key_month, unit_id, step_day, since_day, events, dispatches, returns, reopens, replies, replies_on_time, follow_ups,
                               rated, satisfied, asked, solved, accept_n, accept_d, respond_n, respond_d, late_open, volume)
SELECT m, unit_id, s, v, sum(events), sum(dispatches), sum(returns), sum(reopens), sum(replies), sum(replies_on_time), sum(follow_ups),
       sum(rated), sum(satisfied), sum(asked), sum(solved), sum(accept_n), sum(accept_d), sum(respond_n), sum(respond_d), sum(late_open), sum(volume)
  FROM (SELECT d.*, x.m,
               CASE WHEN d.step_day < (x.m + interval '1 month')::date THEN '-infinity'::date ELSE d.step_day END AS s,
               CASE WHEN d.since_day >= x.m THEN x.m ELSE d.since_day END AS v
          FROM hotline_kpi_day d CROSS JOIN LATERAL (SELECT date_trunc('month', d.key_day)::date AS m) x) d
 GROUP BY m, unit_id, s, v;

INSERT INTO hotline_recv_month (month, dim, code, n)
SELECT date_trunc('month', day)::date, dim, code, sum(n) FROM hotline_recv_day GROUP BY 1, 2, 3;

INSERT INTO hotline_trend_day (day, received, events, dispatches, replies, replies_on_time, follow_ups, satisfied, reopens, returns)
SELECT day, sum(received), sum(events), sum(dispatches), sum(replies), sum(replies_on_time), sum(follow_ups), sum(satisfied), sum(reopens), sum(returns)
  FROM (SELECT key_day AS day, 0 AS received, events, dispatches, replies, replies_on_time, follow_ups, satisfied, reopens, returns
          FROM hotline_kpi_day WHERE unit_id <> ''
        UNION ALL
        SELECT day, n, 0, 0, 0, 0, 0, 0, 0, 0 FROM hotline_recv_day WHERE dim = 'c') x
 GROUP BY day;
