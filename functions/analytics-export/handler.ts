import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { runExport } from '../../shared/analytics/export';
import { functionLogger } from '../../shared/observability/powertools';
import { analyticsExportDependencies, ExportRequestSchema } from './dependencies';

const dependencies = analyticsExportDependencies();
const logger = functionLogger('vigia-analytics-export');

/**
 * Hourly (EventBridge schedule) and on demand (`vigia export --stage`, payload `{since}`): exports
 * the days that may have changed to the analytics bucket and returns the per-table counts.
 */
export const handler = middy(async (event: unknown) => {
  const request = ExportRequestSchema.parse(event ?? {});
  const result = await runExport(dependencies, { since: request.since });
  logger.info('analytics export done', {
    mode: result.mode,
    days: result.days.length,
    firstDay: result.days[0],
    lastDay: result.days.at(-1),
    rows: Object.fromEntries(Object.entries(result.tables).map(([table, counts]) => [table, counts.rows])),
    skipped: Object.values(result.tables).reduce((sum, counts) => sum + counts.skipped, 0),
  });
  return result;
}).use(injectLambdaContext(logger, { resetKeys: true }));
