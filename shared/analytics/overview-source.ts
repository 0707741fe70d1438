import { OVERVIEW_QUERIES, type AlertsByPolicyWeekRow, type FirstResponseTimeRow, type OverviewRead, type OverviewRows, type OverviewSource, type SentimentByTeamWeekRow } from '../console/overview';
import { EXPORT_WATERMARK_KEY } from './export-schema';
import type { ExportWatermark } from './export';
import { findNamedQuery, parseNamedQuery, resolveParams, UnknownQueryError, type NamedQuery } from './named-queries';
import type { AnalyticsStore } from './ports/analytics';
import { rowObjects, type QueryEngine } from './query-result';

/** The overview's queries (OVERVIEW_QUERIES of shared/console/overview.ts) run on one engine, one after the other. */
export async function collectOverview(engine: QueryEngine, since: string, options: { parallel?: boolean; queries?: (name: string) => NamedQuery } = {}): Promise<OverviewRows> {
  const find = options.queries ?? findNamedQuery;
  const run = async (name: (typeof OVERVIEW_QUERIES)[number]) => {
    const query = find(name);
    return rowObjects(await engine.execute(query, resolveParams(query, { since })));
  };
  // Athena runs the three at once (well within a workgroup's concurrency, and the console API
  // answers within its timeout); DuckDB has one connection: one after the other.
  const [alerts, responses, sentiment] = options.parallel
    ? await Promise.all(OVERVIEW_QUERIES.map(run))
    : [await run(OVERVIEW_QUERIES[0]), await run(OVERVIEW_QUERIES[1]), await run(OVERVIEW_QUERIES[2])];
  return {
    alertsByPolicyWeek: alerts as unknown as AlertsByPolicyWeekRow[],
    firstResponseTime: responses as unknown as FirstResponseTimeRow[],
    sentimentByTeamWeek: sentiment as unknown as SentimentByTeamWeekRow[],
  };
}

export interface ExportOverviewSourceOptions {
  /** The analytics bucket: the export's watermark (`state/export-watermark.json`). */
  store: Pick<AnalyticsStore, 'readJson'>;
  /**
   * Runs `use` with an engine over the export, or answers undefined when there is no export to
   * query (the local mirror has no Parquet file).
   */
  withEngine<T>(use: (engine: QueryEngine) => Promise<T>): Promise<T | undefined>;
  /**
   * Without a watermark, answer "not exported" without querying (Athena: the tables always exist,
   * and the first scheduled export writes the watermark). @default false
   */
  requireWatermark?: boolean;
  /** Run the three queries at once (Athena). @default false */
  parallel?: boolean;
  /** The named queries by name. @default findNamedQuery (the .sql files of shared/analytics/queries) */
  queries?: (name: string) => NamedQuery;
}

/**
 * The overview's queries from their texts (`{ name: sql }`, what the console API's bundle inlines:
 * a bundle has no .sql files next to it), checked as the files are.
 */
export function inlinedQueries(json: string): (name: string) => NamedQuery {
  const texts = JSON.parse(json) as Record<string, string>;
  const queries = new Map(Object.entries(texts).map(([name, sql]) => [name, parseNamedQuery(`${name}.sql`, sql)]));
  return (name) => {
    const query = queries.get(name);
    if (!query) throw new UnknownQueryError(name, [...queries.keys()]);
    return query;
  };
}

/** The overview over the analytics export: the watermark says when it ran, the engine runs the queries. */
export class ExportOverviewSource implements OverviewSource {
  constructor(private readonly options: ExportOverviewSourceOptions) {}

  async read(since: string): Promise<OverviewRead> {
    const watermark = await this.options.store.readJson<Partial<ExportWatermark>>(EXPORT_WATERMARK_KEY);
    const exportedAt = typeof watermark?.exportedAt === 'string' ? watermark.exportedAt : null;
    if (exportedAt === null && this.options.requireWatermark) return { exported: false };
    const rows = await this.options.withEngine((engine) => collectOverview(engine, since, { parallel: this.options.parallel, queries: this.options.queries }));
    return rows === undefined ? { exported: false } : { exported: true, exportedAt, rows };
  }
}
