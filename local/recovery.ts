import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbArchiveRepository } from '../shared/capture/adapters/dynamodb-archive-repository';
import { S3RawArchive } from '../shared/capture/adapters/s3-raw-archive';
import type { VigiaConfig } from '../shared/config/vigia-config';
import { DynamoDbPrivacyRepository } from '../shared/privacy/adapters/dynamodb-privacy-repository';
import { S3ArchiveObjects } from '../shared/privacy/adapters/s3-archive-objects';
import { sweepRetention } from '../shared/privacy/retention-sweep';
import { lambdaContext } from './api-gateway';
import type { Handler } from './handlers';

/**
 * What the local stack does at start and on timers to take up what a crash left behind and what
 * AWS does on schedules (docs/reliability.md, docs/privacy.md).
 */
export interface ArchiveStores {
  db: DynamoDBDocumentClient;
  s3: S3Client;
  bucket: string;
  table: string;
}

/** Retention: what DynamoDB's TTL and the S3 lifecycle rules do on AWS (dynalite has no TTL). */
export async function sweepExpired({ db, s3, bucket, table }: ArchiveStores, retention: NonNullable<VigiaConfig['retention']>): Promise<void> {
  await sweepRetention({ repository: new DynamoDbPrivacyRepository(db, table), objects: new S3ArchiveObjects(s3, bucket), retention }).catch((error: Error) =>
    console.error(`vigia: retention sweep failed: ${error.message}`),
  );
}

/** Raw bodies acknowledged before a crash but never projected (no projection marker). */
export async function unprojectedRawKeys({ db, s3, bucket, table }: ArchiveStores): Promise<string[]> {
  const archive = new S3RawArchive(s3, bucket);
  const repository = new DynamoDbArchiveRepository(db, table);
  const unprojected: string[] = [];
  let batch: string[] = [];
  const flush = async () => {
    const done = await repository.projectedKeys(batch);
    unprojected.push(...batch.filter((key) => !done.has(key)));
    batch = [];
  };
  for await (const object of archive.listRaw()) {
    batch.push(object.key);
    if (batch.length >= 500) await flush();
  }
  await flush();
  return unprojected;
}

/** The S3 notification that queues `key` for ingest again, URL-encoded as S3 sends keys. */
export function objectCreated(bucket: string, key: string) {
  return { Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: bucket }, object: { key: encodeURIComponent(key).replace(/%2F/g, '/') } } }] };
}

/**
 * The re-drive of messages whose check was cut short and alerts not delivered, decided from stored
 * state; `graceSeconds` overrides the function's grace. Failures are reported, not thrown.
 */
export function redriver(handler: Handler<{ graceSeconds?: number }, unknown>): (graceSeconds?: number) => Promise<unknown> {
  return (graceSeconds) =>
    handler(graceSeconds === undefined ? {} : { graceSeconds }, lambdaContext('vigia-redrive')).catch((error: Error) => {
      console.error(`vigia: re-drive failed: ${error.message}`);
      return { error: error.message };
    });
}

/** The media sweeper (retries, expiry); failures are reported, not thrown. */
export function mediaSweep(handler: Handler<unknown, unknown>): () => Promise<unknown> {
  return () => handler({}, lambdaContext('vigia-media-sweeper')).catch((error: Error) => console.error(`vigia: media sweep failed: ${error.message}`));
}

/** `task` every `seconds`, not keeping the process alive: the hourly EventBridge schedules of AWS. */
export function every(seconds: number, task: () => unknown): NodeJS.Timeout {
  const timer = setInterval(() => void task(), seconds * 1000);
  timer.unref();
  return timer;
}
