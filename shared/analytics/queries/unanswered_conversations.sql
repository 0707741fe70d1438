-- Conversations whose last message is the customer's, waiting for a reply for at least `hours` hours.
-- @param hours integer default 24 minimum hours since the customer's last message
-- @param as_of timestamp default now the moment to measure at (UTC); later messages are ignored
--
-- thread: one customer on one corporate line, (line_id, contact_id).
-- Conversation messages: live messages (source cloud_api, business_app or business_agent; the history backfill,
-- which replays old conversations, is not counted) that are not reactions, edits, deletes
-- (revokes) or system notices, sent at or before as_of.
-- A thread is unanswered when its latest conversation message is inbound (messages of the same
-- second are ordered inbound first: a reply in the same second answers). A reply is any outbound
-- message (Cloud API, Business app echo or Meta Business Agent).
-- employee: the line's employee, or the line id when the line has none.
-- last_inbound_at: when the customer last wrote. hours_waiting: hours from then to as_of, rounded
-- to 0.1; only threads with hours_waiting >= hours are listed, longest wait first.
-- Dialect: Trino (Athena engine v3); DuckDB runs it with shared/analytics/adapters/duckdb-engine.ts.
WITH params AS (
  SELECT CAST(? AS integer) AS hours, CAST(? AS timestamp) AS as_of
),
thread AS (
  SELECT
    coalesce(m.employee, m.line_id) AS employee,
    m.contact_id,
    m.direction,
    m.sent_at,
    row_number() OVER (
      PARTITION BY m.line_id, m.contact_id ORDER BY m.sent_at DESC, m.direction DESC, m.message_id DESC
    ) AS recency
  FROM messages m
  CROSS JOIN params p
  WHERE m.source IN ('cloud_api', 'business_app', 'business_agent')
    AND m.contact_id IS NOT NULL
    AND m.type NOT IN ('reaction', 'edit', 'revoke', 'system')
    AND m.reaction_to IS NULL
    AND m.edit_of IS NULL
    AND m.revokes IS NULL
    AND m.sent_at <= p.as_of
)
SELECT
  t.employee,
  t.contact_id,
  t.sent_at AS last_inbound_at,
  round((to_unixtime(p.as_of) - to_unixtime(t.sent_at)) / 3600.0, 1) AS hours_waiting
FROM thread t
CROSS JOIN params p
WHERE t.recency = 1
  AND t.direction = 'inbound'
  AND to_unixtime(p.as_of) - to_unixtime(t.sent_at) >= p.hours * 3600
ORDER BY hours_waiting DESC, employee, contact_id
