import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { S3PresignedLinks } from '../../shared/console/adapters/s3-presigned-links';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session/token+1' };
const signingDate = new Date('2026-12-01T10:20:30.000Z');

/** The download itself is tested against s3rver in api.test.ts; here, what the link says and for how long. */
describe('S3 presigned media links', () => {
  it('links one object for at most 300 seconds, signed with the function’s credentials, as an attachment', async () => {
    const links = new S3PresignedLinks(new S3Client({ region: 'sa-east-1', credentials }), 'vigia-archive-123', () => signingDate);
    const { url, expiresAt } = await links.link('media/ab/abcdef 1.xlsx', 300, 'precios "2026".xlsx');
    const parsed = new URL(url);
    expect(parsed.protocol).toBe('https:');
    expect(`${parsed.host}${parsed.pathname}`).toBe('vigia-archive-123.s3.sa-east-1.amazonaws.com/media/ab/abcdef%201.xlsx');
    expect(parsed.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(parsed.searchParams.get('X-Amz-Credential')).toBe('AKIDEXAMPLE/20261201/sa-east-1/s3/aws4_request');
    expect(parsed.searchParams.get('X-Amz-Security-Token')).toBe(credentials.sessionToken);
    expect(parsed.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(parsed.searchParams.get('response-content-disposition')).toBe('attachment; filename="precios _2026_.xlsx"');
    expect(expiresAt).toBe('2026-12-01T10:25:30.000Z');
  });

  it('refuses a link longer than 300 seconds', async () => {
    await expect(new S3PresignedLinks(new S3Client({ region: 'sa-east-1', credentials }), 'b').link('media/x', 301)).rejects.toThrow(RangeError);
  });
});
