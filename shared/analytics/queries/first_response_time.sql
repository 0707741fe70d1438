-- Time from a customer's message to the employee's next reply, per employee and team: median and 90th percentile in seconds.
-- @param since date default 1970-01-01 only customer turns that started on or after this day (UTC)
--
-- thread: one customer on one corporate line, (line_id, contact_id).
-- Conversation messages: live messages (source cloud_api, business_app or business_agent; the history backfill
-- is not counted) that are not reactions, edits, deletes (revokes) or system notices.
-- Customer turn: one or more consecutive inbound messages of a thread; it starts at the first.
-- Reply: the next outbound message of the thread, sent through the Cloud API, typed in the
-- WhatsApp Business app (echo) or by Meta Business Agent. Messages of the same second are ordered inbound first, so a reply
-- in the same second counts (0 s).
-- Response time: reply sent_at minus turn start, in seconds. Turns with no reply yet are not
-- counted here (see unanswered_conversations).
-- employee: the line's employee, or the line id when the line has none. team: the line's team (NULL
-- when it has none); an employee with lines in several teams has one row per team.
-- median_seconds, p90_seconds: exact percentiles, interpolated linearly between the two nearest
-- ranks (like percentile_cont), rounded to 0.1 s; computed with window functions so Athena and
-- DuckDB give the same numbers (approx_percentile would not).
-- conversations: the number of answered customer turns measured.
-- Dialect: Trino (Athena engine v3); DuckDB runs it with shared/analytics/adapters/duckdb-engine.ts.
WITH params AS (
  SELECT CAST(? AS date) AS since
),
thread AS (
  SELECT
    coalesce(m.employee, m.line_id) AS employee,
    m.team,
    m.direction,
    m.sent_at,
    lag(m.direction) OVER (
      PARTITION BY m.line_id, m.contact_id ORDER BY m.sent_at, m.direction, m.message_id
    ) AS previous_direction,
    min(CASE WHEN m.direction = 'outbound' THEN m.sent_at END) OVER (
      PARTITION BY m.line_id, m.contact_id ORDER BY m.sent_at, m.direction, m.message_id
      ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING
    ) AS reply_at
  FROM messages m
  WHERE m.source IN ('cloud_api', 'business_app', 'business_agent')
    AND m.contact_id IS NOT NULL
    AND m.type NOT IN ('reaction', 'edit', 'revoke', 'system')
    AND m.reaction_to IS NULL
    AND m.edit_of IS NULL
    AND m.revokes IS NULL
),
responses AS (
  SELECT t.employee, t.team, to_unixtime(t.reply_at) - to_unixtime(t.sent_at) AS seconds
  FROM thread t
  CROSS JOIN params p
  WHERE t.direction = 'inbound'
    AND (t.previous_direction IS NULL OR t.previous_direction = 'outbound')
    AND t.reply_at IS NOT NULL
    AND CAST(t.sent_at AS date) >= p.since
),
ranked AS (
  SELECT
    employee,
    team,
    seconds,
    row_number() OVER (PARTITION BY employee, team ORDER BY seconds) - 1 AS row_index,
    (count(*) OVER (PARTITION BY employee, team) - 1) * 0.5 AS p50,
    (count(*) OVER (PARTITION BY employee, team) - 1) * 0.9 AS p90
  FROM responses
),
bounds AS (
  SELECT
    employee,
    team,
    count(*) AS conversations,
    max(p50) - floor(max(p50)) AS p50_fraction,
    max(CASE WHEN row_index = floor(p50) THEN seconds END) AS p50_low,
    max(CASE WHEN row_index = ceiling(p50) THEN seconds END) AS p50_high,
    max(p90) - floor(max(p90)) AS p90_fraction,
    max(CASE WHEN row_index = floor(p90) THEN seconds END) AS p90_low,
    max(CASE WHEN row_index = ceiling(p90) THEN seconds END) AS p90_high
  FROM ranked
  GROUP BY employee, team
)
SELECT
  employee,
  team,
  round(p50_low + p50_fraction * (p50_high - p50_low), 1) AS median_seconds,
  round(p90_low + p90_fraction * (p90_high - p90_low), 1) AS p90_seconds,
  conversations
FROM bounds
ORDER BY employee, team NULLS LAST
