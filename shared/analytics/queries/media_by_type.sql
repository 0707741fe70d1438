-- Media files and bytes by their real (sniffed) type.
-- @param since date default 1970-01-01 only media registered on or after this day (UTC)
--
-- Every media item counts once. sniffed_mime: the type found in the file's bytes, NULL for
-- files not stored yet (pending, failed, expired). files: the number of items. bytes: the sum of
-- the stored sizes (0 when none is known).
-- Dialect: Trino (Athena engine v3); DuckDB runs it with shared/analytics/adapters/duckdb-engine.ts.
WITH params AS (
  SELECT CAST(? AS date) AS since
)
SELECT
  d.sniffed_mime,
  count(*) AS files,
  CAST(coalesce(sum(d.size_bytes), 0) AS bigint) AS bytes
FROM media d
CROSS JOIN params p
WHERE CAST(d.created_at AS date) >= p.since
GROUP BY 1
ORDER BY bytes DESC, sniffed_mime NULLS LAST
