-- Compliance alerts per week (Monday, UTC), policy, severity and team.
-- @param since date default 1970-01-01 only alerts created on or after this day (UTC)
--
-- Every alert counts once, whatever its status (open, acknowledged, resolved).
-- week: the Monday (UTC) of the ISO week of created_at. team: the line's team when the alert was
-- exported (NULL when the line has none). alerts: the number of alerts.
-- Dialect: Trino (Athena engine v3); DuckDB runs it with shared/analytics/adapters/duckdb-engine.ts.
WITH params AS (
  SELECT CAST(? AS date) AS since
)
SELECT
  CAST(date_trunc('week', a.created_at) AS date) AS week,
  a.policy_id,
  a.severity,
  a.team,
  count(*) AS alerts
FROM alerts a
CROSS JOIN params p
WHERE CAST(a.created_at AS date) >= p.since
GROUP BY 1, 2, 3, 4
ORDER BY week, policy_id, severity, team NULLS LAST
