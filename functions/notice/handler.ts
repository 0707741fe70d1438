import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from 'zod';
import { DynamoDbNoticeRepository } from '../../shared/privacy/adapters/dynamodb-notice-repository';
import { noticeMailerFor } from '../../shared/privacy/adapters/notice-mailers';
import { dynamoDbClient } from '../../shared/platform/clients';
import { ArchiveTableEnv, loadEnv, required } from '../../shared/config/env';
import { configFromEnvironment } from '../../shared/config/vigia-config';
import { logger, metrics } from '../../shared/observability/powertools';
import { noticeSigningKeySource } from '../../shared/privacy/notice-signing-key';
import { VIGIA_METRICS } from '../../shared/observability/metric-names';
import { NoticeRequestError, resendNotice, sendPendingNotices, type NoticeSendResult } from '../../shared/privacy/send-notices';

const env = loadEnv(
  ArchiveTableEnv.extend({
    /** Base URL of the acknowledgement links: the HTTP API's URL (or the config's publicUrl). */
    VIGIA_PUBLIC_URL: z.url({ error: 'must be the http(s) URL of the API' }),
    /** `ses` on AWS, `local://outbox` locally. */
    NOTICE_MAILER: required(),
  }),
);
const dependencies = {
  config: configFromEnvironment(),
  notices: new DynamoDbNoticeRepository(dynamoDbClient(), env.ARCHIVE_TABLE),
  mailer: noticeMailerFor(env.NOTICE_MAILER),
  signingKey: noticeSigningKeySource(),
  publicUrl: env.VIGIA_PUBLIC_URL,
};

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
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
