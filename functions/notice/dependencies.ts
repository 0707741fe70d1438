import * as z from 'zod';
import { ArchiveTableEnv, loadEnv, required } from '../../shared/config/env';
import { configFromEnvironment } from '../../shared/config/vigia-config';
import { dynamoDbClient } from '../../shared/platform/clients';
import { DynamoDbNoticeRepository } from '../../shared/privacy/adapters/dynamodb-notice-repository';
import { noticeMailerFor } from '../../shared/privacy/adapters/notice-mailers';
import { noticeSigningKeySource } from '../../shared/privacy/notice-signing-key';
import type { NoticeDependencies } from '../../shared/privacy/send-notices';

const NoticeEnv = z.object({
  ...ArchiveTableEnv.shape,
  /** Base URL of the acknowledgement links: the HTTP API's URL (or the config's publicUrl). */
  VIGIA_PUBLIC_URL: z.url({ error: 'must be the http(s) URL of the API' }),
  /** `ses` on AWS, `local://outbox` locally. */
  NOTICE_MAILER: required(),
});

/** The notice records, the mailer and the link signing key (validated once, at cold start). */
export function noticeDependencies(): NoticeDependencies {
  const env = loadEnv(NoticeEnv);
  return {
    config: configFromEnvironment(),
    notices: new DynamoDbNoticeRepository(dynamoDbClient(), env.ARCHIVE_TABLE),
    mailer: noticeMailerFor(env.NOTICE_MAILER),
    signingKey: noticeSigningKeySource(),
    publicUrl: env.VIGIA_PUBLIC_URL,
  };
}
