-- Analyzed messages per week (Monday, UTC), team and sentiment.
-- @param since date default 1970-01-01 only messages sent on or after this day (UTC)
--
-- Counted: messages the compliance flow gave a sentiment (POSITIVE, NEGATIVE, NEUTRAL, MIXED),
-- both directions; messages without one (not analyzed: media without caption, the history
-- backfill, reactions…) are left out.
-- week: the Monday (UTC) of the ISO week of sent_at. team: the line's team (NULL when the line
-- has none). messages: the number of messages.
-- Dialect: Trino (Athena engine v3); DuckDB runs it with shared/analytics/adapters/duckdb-engine.ts.
WITH params AS (
  SELECT CAST(? AS date) AS since
)
SELECT
  CAST(date_trunc('week', m.sent_at) AS date) AS week,
  m.team,
  m.sentiment,
  count(*) AS messages
FROM messages m
CROSS JOIN params p
WHERE m.sentiment IS NOT NULL
  AND CAST(m.sent_at AS date) >= p.since
GROUP BY 1, 2, 3
ORDER BY week, team NULLS LAST, sentiment
