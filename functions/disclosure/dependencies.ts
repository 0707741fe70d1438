import * as z from 'zod';
import { DynamoDbArchiveRepository } from '../../shared/capture/adapters/dynamodb-archive-repository';
import { ArchiveTableEnv, ConfigurationError, loadEnv } from '../../shared/config/env';
import { configFromEnvironment } from '../../shared/config/vigia-config';
import { DEFAULT_GRAPH_API_URL } from '../../shared/media/adapters/graph-media-api';
import { dynamoDbClient } from '../../shared/platform/clients';
import { whatsAppSecretsSource } from '../../shared/platform/secrets';
import { DynamoDbDisclosureRepository } from '../../shared/privacy/adapters/dynamodb-disclosure-repository';
import { GraphWhatsAppSender } from '../../shared/privacy/adapters/graph-message-sender';
import type { DisclosureDependencies } from '../../shared/privacy/send-disclosures';

/** The disclosure settings, the messages, the claims and the Cloud API (validated once, at cold start). */
export function disclosureDependencies(): DisclosureDependencies {
  const env = loadEnv(z.object({ ...ArchiveTableEnv.shape, WHATSAPP_GRAPH_API_URL: z.url().default(DEFAULT_GRAPH_API_URL) }));
  const settings = configFromEnvironment().privacy?.disclosure;
  if (!settings?.enabled) throw new ConfigurationError('privacy.disclosure is not enabled in the config: this function should not be deployed');
  const secrets = whatsAppSecretsSource();
  return {
    settings,
    messages: new DynamoDbArchiveRepository(dynamoDbClient(), env.ARCHIVE_TABLE),
    disclosures: new DynamoDbDisclosureRepository(dynamoDbClient(), env.ARCHIVE_TABLE),
    sender: new GraphWhatsAppSender(env.WHATSAPP_GRAPH_API_URL, async () => {
      const { accessToken } = await secrets();
      if (!accessToken) throw new Error('the WhatsApp secret has no accessToken: nothing can be sent');
      return accessToken;
    }),
  };
}
