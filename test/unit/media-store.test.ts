import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../shared/media/fetch-media';
import { S3MediaStore } from '../../shared/media/adapters/s3-media-store';

const s3Mock = mockClient(S3Client);

describe('S3MediaStore.put', () => {
  it('sends one PutObject to the content address with the length and the sha256 S3 must check', async () => {
    s3Mock.reset();
    s3Mock.on(PutObjectCommand).resolves({});
    const file = join(mkdtempSync(join(tmpdir(), 'vigia-store-')), 'f');
    writeFileSync(file, 'hello');
    const sha256 = createHash('sha256').update('hello').digest('hex');
    const key = await new S3MediaStore(new S3Client({ region: 'us-east-1' }), 'archive').put(file, 5, sha256, 'text/plain', { 'media-id': 'M1' });
    expect(key).toBe(`media/sha256/${sha256}`);
    const [call] = s3Mock.commandCalls(PutObjectCommand);
    expect(call.args[0].input).toMatchObject({
      Bucket: 'archive',
      Key: `media/sha256/${sha256}`,
      ContentLength: 5,
      ContentType: 'text/plain',
      Metadata: { 'media-id': 'M1' },
      ChecksumSHA256: createHash('sha256').update('hello').digest('base64'),
    });
  });
});

describe('toHex (Meta sends sha256 as hex or base64)', () => {
  const hex = createHash('sha256').update('x').digest('hex');
  it.each([
    [hex, hex],
    [hex.toUpperCase(), hex],
    [Buffer.from(hex, 'hex').toString('base64'), hex],
    ['a1b2c3d4e5f6...', 'a1b2c3d4e5f6...'],
    [undefined, undefined],
    ['', undefined],
  ])('%j → %j', (input, expected) => {
    expect(toHex(input)).toBe(expected);
  });
});
