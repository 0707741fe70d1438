import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from 'zod';
import { functionLogger, metrics } from '../../shared/observability/powertools';
import { VIGIA_METRICS } from '../../shared/observability/metric-names';
import { NoticeRequestError, resendNotice, sendPendingNotices, type NoticeSendResult } from '../../shared/privacy/send-notices';
import { noticeDependencies } from './dependencies';

const dependencies = noticeDependencies();
const logger = functionLogger('vigia-notice');

/**
 * `{}` (after a deploy, the daily schedule, `npm start`) or `{ "lineId": "…" }` (`vigia lines notify
 * LINE --stage`). EventBridge schedules deliver their own event object: its fields are not ours,
 * so only `lineId` is read, and it must be a non-empty string when present.
 */
const Event = z.looseObject({ lineId: z.string({ error: 'lineId must be a string' }).min(1, { error: 'lineId must not be empty' }).optional() });

/** The event could not be read: the invocation fails with this, it never falls back to "send everything". */
export class NoticeEventError extends Error {
  override readonly name = 'NoticeEventError';
}

function count(results: NoticeSendResult[]): void {
  // Published every run (0 included), like the media sweeper's gauge.
  metrics.addMetric('NoticeSent', MetricUnit.Count, results.filter((result) => result.outcome === 'sent').length);
  for (const result of results) {
    if (result.outcome === 'failed') {
      metrics.addMetric(VIGIA_METRICS.noticeSendFailed, MetricUnit.Count, 1);
      logger.error('employee notice not sent; the next run retries', { lineId: result.lineId, policyVersion: result.policyVersion, error: result.error });
    }
  }
}

/** Sends the employee notices that are due, or re-sends one line's. Never logs addresses or links. */
export const handler = middy(async (event: unknown) => {
  const parsed = Event.safeParse(event ?? {});
  if (!parsed.success) throw new NoticeEventError(`unreadable notice event: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'event'}: ${issue.message}`).join('; ')}`);
  const lineId = parsed.data.lineId;
  if (lineId) {
    try {
      const result = await resendNotice(lineId, dependencies);
      count([result]);
      return { results: [result] };
    } catch (error) {
      // Refusals go back to the CLI as a message; anything else fails the invocation.
      if (error instanceof NoticeRequestError) return { error: error.message };
      throw error;
    }
  }
  const results = await sendPendingNotices(dependencies);
  count(results);
  logger.info('employee notices', { outcomes: results.map(({ lineId: line, outcome }) => ({ lineId: line, outcome })) });
  return { results };
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
