-- Messages per employee, day (UTC) and direction.
-- @param since date default 1970-01-01 only messages sent on or after this day (UTC)
--
-- Counted: conversation messages of every source (Cloud API, Business app echoes and the
-- history backfill, on the day they were sent). Not counted: reactions, edits, deletes (revokes)
-- and system notices, which are records of their own.
-- day: the UTC date of sent_at. employee: the line's employee, or the line id when the line has
-- none. messages: the number of messages.
-- Dialect: Trino (Athena engine v3); DuckDB runs it with shared/analytics/adapters/duckdb-engine.ts.
WITH params AS (
  SELECT CAST(? AS date) AS since
)
SELECT
  CAST(m.sent_at AS date) AS day,
  coalesce(m.employee, m.line_id) AS employee,
  m.direction,
  count(*) AS messages
FROM messages m
CROSS JOIN params p
WHERE m.type NOT IN ('reaction', 'edit', 'revoke', 'system')
  AND m.reaction_to IS NULL
  AND m.edit_of IS NULL
  AND m.revokes IS NULL
  AND CAST(m.sent_at AS date) >= p.since
GROUP BY 1, 2, 3
ORDER BY day, employee, direction
