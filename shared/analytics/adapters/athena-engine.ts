import { setTimeout as sleep } from 'node:timers/promises';
import {
  type AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  type ColumnInfo,
  type QueryExecutionState,
} from '@aws-sdk/client-athena';
import type { NamedQuery, ParamValue } from '../named-queries';
import { columnType, toCell, type Column, type QueryEngine, type QueryResult } from '../query-result';

export interface AthenaEngineOptions {
  /** The stage's workgroup (output location, encryption and limits come from it). */
  workGroup: string;
  /** The Glue database with the `messages`, `statuses`, `alerts`, `media` tables. */
  database: string;
  /** First wait between GetQueryExecution polls; doubles up to maxPollMs. @default 250 */
  firstPollMs?: number;
  /** @default 5000 */
  maxPollMs?: number;
  /** Give up (and say so) after this long. @default 600000 (10 minutes) */
  timeoutMs?: number;
  /** For tests: how to wait. @default node:timers/promises setTimeout */
  wait?: (ms: number) => Promise<unknown>;
}

/** Athena said no: the query failed, was cancelled, or took too long. */
export class AthenaQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AthenaQueryError';
  }
}

/**
 * Runs the named queries on Athena, for the console API's overview (functions/console-api) and
 * for `vigia query --stage` and `vigia report --stage`: StartQueryExecution in the stage's
 * workgroup with the Glue database as context and the parameters as ExecutionParameters, polls
 * GetQueryExecution with exponential backoff, then pages GetQueryResults. The workgroup enforces
 * where results go and how they are encrypted.
 */
export class AthenaQueryEngine implements QueryEngine {
  readonly description: string;

  constructor(
    private readonly athena: AthenaClient,
    private readonly options: AthenaEngineOptions,
  ) {
    this.description = `Athena (workgroup ${options.workGroup}, database ${options.database})`;
  }

  async execute(query: NamedQuery, params: ParamValue[]): Promise<QueryResult> {
    const { workGroup, database, firstPollMs = 250, maxPollMs = 5_000, timeoutMs = 600_000, wait = sleep } = this.options;
    const started = await this.athena.send(
      new StartQueryExecutionCommand({
        QueryString: query.sql,
        WorkGroup: workGroup,
        QueryExecutionContext: { Database: database },
        ...(params.length > 0 ? { ExecutionParameters: params.map(athenaParameter) } : {}),
      }),
    );
    const id = started.QueryExecutionId;
    if (!id) throw new AthenaQueryError(`Athena started query ${query.name} without an execution id`);

    let delay = firstPollMs;
    let waited = 0;
    for (;;) {
      const { QueryExecution: execution } = await this.athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
      const state = execution?.Status?.State as QueryExecutionState | undefined;
      if (state === 'SUCCEEDED') break;
      if (state === 'FAILED' || state === 'CANCELLED') {
        const reason = execution?.Status?.AthenaError?.ErrorMessage ?? execution?.Status?.StateChangeReason ?? 'no reason given';
        throw new AthenaQueryError(`Athena query ${query.name} ${state.toLowerCase()} (execution ${id}): ${reason.split('\n')[0]}`);
      }
      if (waited >= timeoutMs) throw new AthenaQueryError(`Athena query ${query.name} still ${state ?? 'unknown'} after ${Math.round(waited / 1000)} s (execution ${id})`);
      await wait(delay);
      waited += delay;
      delay = Math.min(delay * 2, maxPollMs);
    }

    let columns: Column[] | undefined;
    const rows: QueryResult['rows'] = [];
    let nextToken: string | undefined;
    let first = true;
    do {
      const page = await this.athena.send(new GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: 1000, NextToken: nextToken }));
      columns ??= (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((info: ColumnInfo) => ({ name: info.Name ?? '', type: columnType(info.Type ?? 'varchar') }));
      const data = page.ResultSet?.Rows ?? [];
      // A SELECT's first row is the header (the column names), on the first page only.
      for (const row of first ? data.slice(1) : data) rows.push(columns.map((column, i) => toCell(column.type, row.Data?.[i]?.VarCharValue)));
      first = false;
      nextToken = page.NextToken;
    } while (nextToken);
    return { columns: columns ?? [], rows };
  }

  async close(): Promise<void> {
    this.athena.destroy();
  }
}

/**
 * A parameter as Athena's ExecutionParameters take it: the SQL literal text (numbers bare,
 * everything else quoted); the query CASTs it to its type.
 */
export function athenaParameter(param: ParamValue): string {
  return param.type === 'integer' ? param.value : `'${param.value.replace(/'/g, "''")}'`;
}
