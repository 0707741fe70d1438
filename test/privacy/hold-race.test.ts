import { GetObjectTaggingCommand } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRawWebhook } from '../../shared/capture/project-raw-webhook';
import { DynamoDbArchiveRepository } from '../../shared/capture/adapters/dynamodb-archive-repository';
import { DynamoDbMediaRepository } from '../../shared/media/adapters/dynamodb-media-repository';
import { DynamoDbPrivacyRepository } from '../../shared/privacy/adapters/dynamodb-privacy-repository';
import { S3ArchiveObjects } from '../../shared/privacy/adapters/s3-archive-objects';
import { S3RawArchive } from '../../shared/capture/adapters/s3-raw-archive';
import { createDynamoDbClient, createS3Client } from '../../shared/platform/clients';
import type { LegalHold } from '../../shared/privacy/retention';
import { cli } from '../helpers/cli';
import { startRetentionStack, type TestStack } from '../helpers/local-stack';

/**
 * `vigia hold add` while the same contact's webhook is being projected: the hold is recorded and
 * its sweep finds nothing yet (the projection read the holds before it and writes after it). The
 * records must still end up held.
 */
const LINE = '106540352242922';
const DISPLAY = '5511940000001';
const RETENTION_DAYS = 3650;

const webhook = (contact: string, id: string, mediaId: string) =>
  Buffer.from(
    JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: 'waba-1',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: DISPLAY, phone_number_id: LINE },
                contacts: [{ profile: { name: 'Cliente' }, wa_id: contact }],
                messages: [
                  { from: contact, id: `${id}-text`, timestamp: String(Math.floor(Date.now() / 1000) - 60), type: 'text', text: { body: 'Bom dia' } },
                  { from: contact, id: `${id}-doc`, timestamp: String(Math.floor(Date.now() / 1000) - 30), type: 'document', document: { id: mediaId, mime_type: 'application/pdf', filename: 'contrato.pdf' } },
                ],
              },
            },
          ],
        },
      ],
    }),
  );

let stack: TestStack;

beforeAll(async () => {
  ({ stack } = await startRetentionStack(RETENTION_DAYS, 'hold-race'));
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

/**
 * Projects one webhook with the ingest function's own code and adapters, placing a legal hold on
 * `holdContact` right after the projection has read the holds in force.
 */
async function projectWhileHoldIsPlaced(body: Buffer, holdContact: string) {
  const { info } = stack.stack;
  const db = createDynamoDbClient(info.dynamodbEndpoint);
  const s3 = createS3Client(info.s3Endpoint);
  const privacy = new DynamoDbPrivacyRepository(db, info.table);
  let reads = 0;
  const racingPrivacy = Object.assign(Object.create(privacy) as DynamoDbPrivacyRepository, {
    async activeHolds(): Promise<LegalHold[]> {
      const holds = await privacy.activeHolds();
      if (reads++ === 0) await cli('hold', 'add', '--contact', holdContact, '--reason', 'Processo 0009999-11.2026', '--by', 'legal@example.com');
      return holds;
    },
  });
  const archive = new S3RawArchive(s3, info.bucket);
  // The stack's own ingest waits, so this projection is the first.
  stack.stack.pausePipeline();
  const rawKey = await archive.putRaw(body, { signature: 'sha256=test', receivedAt: new Date().toISOString() });
  const mediaJobs: string[] = [];
  await projectRawWebhook(rawKey, {
    archive,
    repository: new DynamoDbArchiveRepository(db, info.table),
    privacy: racingPrivacy,
    retentionDays: RETENTION_DAYS,
    rawTagger: new S3ArchiveObjects(s3, info.bucket),
    media: { repository: new DynamoDbMediaRepository(db, info.table), queue: { send: async (bodies) => void mediaJobs.push(...bodies) } },
  });
  expect(reads).toBeGreaterThan(0);
  // The document's download job went out after the second look (so the file is stored held or not).
  expect(mediaJobs.map((job) => JSON.parse(job).mediaId)).toHaveLength(1);
  const item = async (pk: string, sk: string) => (await db.send(new GetCommand({ TableName: info.table, Key: { pk, sk }, ConsistentRead: true }))).Item!;
  const tag = async (key: string) => (await s3.send(new GetObjectTaggingCommand({ Bucket: info.bucket, Key: key }))).TagSet?.find(({ Key }) => Key === 'vigia-retention')?.Value;
  return { rawKey, item, tag };
}

describe('a legal hold placed while its contact\'s webhook is being projected', () => {
  it('still suspends the expiry of every record the webhook wrote, its media item and its raw object', async () => {
    const contact = '5511900000007';
    const { rawKey, item, tag } = await projectWhileHoldIsPlaced(webhook(contact, 'wamid.R1', 'media-R1'), contact);
    for (const [pk, sk] of [
      ['MSG#wamid.R1-text', 'MSG'],
      ['MSG#wamid.R1-doc', 'MSG'],
      [`CONTACT#${LINE}#${contact}`, 'PROFILE'],
      ['MEDIA#media-R1', 'MEDIA'],
      [`RAW#${rawKey}`, 'RAW'],
    ]) {
      const written = await item(pk!, sk!);
      expect(written.expiresAt, pk).toBeUndefined();
      expect(written.heldExpiresAt, pk).toBeGreaterThan(Math.floor(Date.now() / 1000) + (RETENTION_DAYS - 1) * 86_400);
    }
    expect(await tag(rawKey)).toBe('hold');

    // The stack's own ingest then projects the same object: nothing new, nothing expires again.
    stack.stack.resumePipeline();
    await stack.stack.drained();
    expect((await item('MSG#wamid.R1-text', 'MSG')).expiresAt).toBeUndefined();
    expect((await cli('hold', 'list')).join('\n')).toContain(contact);
  });

  it('leaves the records of other contacts expiring', async () => {
    const contact = '5511900000008';
    const { rawKey, item, tag } = await projectWhileHoldIsPlaced(webhook(contact, 'wamid.R2', 'media-R2'), '5511900000009');
    stack.stack.resumePipeline();
    await stack.stack.drained();
    for (const [pk, sk] of [
      ['MSG#wamid.R2-text', 'MSG'],
      ['MEDIA#media-R2', 'MEDIA'],
      [`RAW#${rawKey}`, 'RAW'],
    ]) {
      const written = await item(pk!, sk!);
      expect(written.heldExpiresAt, pk).toBeUndefined();
      expect(written.expiresAt, pk).toBeGreaterThan(Math.floor(Date.now() / 1000) + (RETENTION_DAYS - 1) * 86_400);
    }
    // (Never re-tagged: it keeps the tag it was written with, which s3rver does not store.)
    expect(await tag(rawKey)).not.toBe('hold');
  });
});
