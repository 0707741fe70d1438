import type { S3EventRecord } from 'aws-lambda';
import { ARCHIVE_PREFIXES } from '../../shared/resources/definitions';

/**
 * Raw-archive object keys named by an S3 event notification delivered through SQS.
 * S3 URL-encodes keys in notifications (space as '+'). `s3:TestEvent` carries no records.
 */
export function rawKeysFromNotification(body: string): string[] {
  const notification = JSON.parse(body) as { Records?: S3EventRecord[] };
  return (notification.Records ?? [])
    .filter((record) => record.eventName?.startsWith('ObjectCreated'))
    .map((record) => decodeURIComponent(record.s3.object.key.replace(/\+/g, ' ')))
    .filter((key) => key.startsWith(ARCHIVE_PREFIXES.raw));
}
