import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from 'zod';
import { DynamoDbArchiveRepository } from '../../shared/capture/adapters/dynamodb-archive-repository';
import { DynamoDbDisclosureRepository } from '../../shared/privacy/adapters/dynamodb-disclosure-repository';
import { DEFAULT_GRAPH_API_URL } from '../../shared/media/adapters/graph-media-api';
import { GraphWhatsAppSender } from '../../shared/privacy/adapters/graph-message-sender';
import { dynamoDbClient } from '../../shared/platform/clients';
import { ArchiveTableEnv, ConfigurationError, loadEnv } from '../../shared/config/env';
import { configFromEnvironment } from '../../shared/config/vigia-config';
import { logger, metrics } from '../../shared/observability/powertools';
import { whatsAppSecretsSource } from '../../shared/platform/secrets';
import { VIGIA_METRICS } from '../../shared/observability/metric-names';
import { sendDisclosures, type DisclosureOutcome } from '../../shared/privacy/send-disclosures';
import { DisclosureEvent, parseContract } from '../../shared/platform/contracts';

const env = loadEnv(ArchiveTableEnv.extend({ WHATSAPP_GRAPH_API_URL: z.url().default(DEFAULT_GRAPH_API_URL) }));
const settings = configFromEnvironment().privacy?.disclosure;
if (!settings?.enabled) throw new ConfigurationError('privacy.disclosure is not enabled in the config: this function should not be deployed');
const secrets = whatsAppSecretsSource();
const dependencies = {
  settings,
  messages: new DynamoDbArchiveRepository(dynamoDbClient(), env.ARCHIVE_TABLE),
  disclosures: new DynamoDbDisclosureRepository(dynamoDbClient(), env.ARCHIVE_TABLE),
  sender: new GraphWhatsAppSender(env.WHATSAPP_GRAPH_API_URL, async () => {
    const { accessToken } = await secrets();
    if (!accessToken) throw new Error('the WhatsApp secret has no accessToken: nothing can be sent');
    return accessToken;
  }),
};


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
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
