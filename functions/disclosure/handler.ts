import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { functionLogger, metrics } from '../../shared/observability/powertools';
import { VIGIA_METRICS } from '../../shared/observability/metric-names';
import { sendDisclosures, type DisclosureOutcome } from '../../shared/privacy/send-disclosures';
import { parseContract } from '../../shared/platform/contracts';
import { DisclosureEvent } from '../../shared/privacy/contracts';
import { disclosureDependencies } from './dependencies';

const dependencies = disclosureDependencies();
const logger = functionLogger('vigia-disclosure');

const METRIC: Record<DisclosureOutcome, string> = {
  sent: VIGIA_METRICS.disclosureSent,
  failed: VIGIA_METRICS.disclosureSendFailed,
  outside_window: 'DisclosureOutsideWindow',
  already_disclosed: 'DisclosureAlreadySent',
  not_eligible: 'DisclosureNotEligible',
  not_found: 'DisclosureMessageNotFound',
};

/** Asynchronous invocation by ingest (`{ messageIds }`): the first-contact disclosure of new inbound messages. */
export const handler = middy(async (event: unknown) => {
  const { messageIds } = parseContract(DisclosureEvent, 'disclosure event', event);
  const results = await sendDisclosures(messageIds, dependencies);
  for (const result of results) {
    metrics.addMetric(METRIC[result.outcome], MetricUnit.Count, 1);
    // Ids and outcomes only: never the text, nor the contact's number.
    if (result.outcome === 'failed') logger.error('disclosure not sent; the contact’s next message retries', { messageId: result.messageId, lineId: result.lineId, error: result.error });
    else if (result.outcome === 'sent') logger.info('disclosure sent', { messageId: result.messageId, lineId: result.lineId, language: result.language, wamid: result.wamid });
  }
  return { sent: results.filter((result) => result.outcome === 'sent').length, failed: results.filter((result) => result.outcome === 'failed').length };
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
