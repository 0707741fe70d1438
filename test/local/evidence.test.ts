import { generateKeyPairSync } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliError } from '../../cli/errors';
import { main } from '../../cli/main';
import { SEAL_LOCK_FILE } from '../../local/seal-lock';
import { LocalDigestSigner, generateSigningKeyPem } from '../../shared/evidence/adapters/local-signer';
import { parseDigest, serializeDigest, signDigest } from '../../shared/evidence/digest';
import { EVIDENCE_KEYS } from '../../shared/evidence/layout';
import { createS3Client } from '../../shared/platform/clients';
import { cli } from '../helpers/cli';
import { startTestStack, type TestStack } from '../helpers/local-stack';
import { lineWebhook } from '../helpers/webhooks';

/*
 * Tamper evidence on the local stack (docs/evidence.md): two sealed periods of traffic, then the
 * archive changed one way at a time — live, and on a downloaded copy verified with only the
 * public key.
 */

let stack: TestStack;
let work: string;
let s3: S3Client;
let bucket: string;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'vigia-evidence-'));
  stack = await startTestStack();
  process.env.VIGIA_DATA_DIR = stack.dataDir;
  delete process.env.VIGIA_STAGE;
  delete process.env.VIGIA_CONFIG;
  s3 = createS3Client(stack.stack.info.s3Endpoint);
  bucket = stack.stack.info.bucket;
});
afterAll(async () => {
  s3?.destroy();
  await stack.stop();
  rmSync(work, { recursive: true, force: true });
});

let counter = 0;
async function customerMessage(body: string, contact = '5511981112222', media?: { id: string }): Promise<string> {
  const id = `wamid.evidence-${++counter}`;
  const message = media ? { type: 'document', document: { id: media.id, mime_type: 'application/pdf', filename: 'nota.pdf' } } : { type: 'text', text: { body } };
  const webhook = lineWebhook('messages', { contacts: [{ profile: { name: 'Cliente' }, wa_id: contact }], messages: [{ from: contact, id, timestamp: String(Math.floor(Date.now() / 1000) - 60 + counter), ...message }] });
  expect((await stack.post(webhook)).status).toBe(200);
  await stack.stack.drained();
  return id;
}

/** `vigia …` in this process: its exit code (a CliError's, as bin/vigia.mjs exits) and printed lines, whatever the code. */
async function run(...args: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  try {
    return { code: await main(args, (line) => lines.push(line)), lines };
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    return { code: error.exitCode, lines };
  }
}

/**
 * Seals up to now. Periods end on a whole second (S3 dates objects to the second), so first the
 * clock passes the second of the last write: what was written is then inside the period.
 */
async function seal() {
  const second = Math.floor(Date.now() / 1000);
  await expect.poll(() => Math.floor(Date.now() / 1000), { interval: 20, timeout: 2000 }).toBeGreaterThan(second);
  return stack.stack.sealEvidence({ settleMs: 0 });
}
const readObject = async (key: string) => Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToByteArray());
const putObject = (key: string, body: Buffer) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));

/** A copy of the bucket as `aws s3 sync` would leave it. */
async function download(): Promise<string> {
  const dir = mkdtempSync(join(work, 'copy-'));
  const { S3EvidenceBucket } = await import('../../shared/evidence/adapters/s3-evidence-bucket');
  const source = new S3EvidenceBucket(s3, bucket);
  for await (const object of source.list('')) {
    const path = join(dir, object.key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, (await source.read(object.key))!);
  }
  return dir;
}

let firstMessage: string;
let rawKeyOfFirst: string;
let publicKey: string;

describe('tamper evidence on the local stack', () => {
  it('seals two periods of traffic into a signed chain, and verify passes', async () => {
    stack.graph.files.set('evidence-file', { content: Buffer.from('%PDF-1.4 evidence test file'), mimeType: 'application/pdf' });
    firstMessage = await customerMessage('Bom dia, quero o orçamento');
    await customerMessage('', '5511981112222', { id: 'evidence-file' });
    const first = await seal();
    expect(first.sealed).toBe(true);
    await customerMessage('Segunda leva de mensagens', '5511981113333');
    const second = await seal();
    expect(second.sealed && second.digest).toMatchObject({ sequence: 2, previous: { key: EVIDENCE_KEYS.digest(1) } });
    if (!first.sealed || !second.sealed) return;
    expect(first.digest.counts.raw).toBeGreaterThanOrEqual(2);
    expect(first.digest.counts.media).toBe(1);
    expect(second.digest.period.from).toBe(first.digest.period.to);

    const { code, lines } = await run('evidence', 'verify');
    expect(lines, lines.join('\n')).toContain('OK: the archive is as sealed');
    expect(code).toBe(0);
    publicKey = join(work, 'key.pem');
    expect((await cli('evidence', 'public-key', '--out', publicKey))[0]).toMatch(/^wrote the public key of local stack at .* to .*key\.pem$/);
    const { DynamoDbArchiveRepository } = await import('../../shared/capture/adapters/dynamodb-archive-repository');
    const { createDynamoDbClient } = await import('../../shared/platform/clients');
    const db = createDynamoDbClient(stack.stack.info.dynamodbEndpoint);
    rawKeyOfFirst = (await new DynamoDbArchiveRepository(db, stack.stack.info.table).rawKeyOf(firstMessage))!;
    db.destroy();
    // raw/h=<first hex digit of the sha256>/dt=<day>/<sha256>.json (issue 19)
    expect(rawKeyOfFirst).toMatch(/^raw\/h=([0-9a-f])\/dt=\d{4}-\d{2}-\d{2}\/\1[0-9a-f]{63}\.json$/);
  });

  it('names a raw object changed by one byte, live', async () => {
    const original = await readObject(rawKeyOfFirst);
    const changed = Buffer.from(original);
    changed[changed.length - 2] ^= 1;
    await putObject(rawKeyOfFirst, changed);
    try {
      const { code, lines } = await run('evidence', 'verify');
      expect(code).toBe(1);
      expect(lines.filter((line) => line.startsWith('  CHANGED'))).toEqual([expect.stringContaining(`CHANGED  ${rawKeyOfFirst}: sealed in digest 1`)]);
    } finally {
      await putObject(rawKeyOfFirst, original);
    }
  });

  it('verifies a downloaded copy with only the public key, and names each change made to a copy', async () => {
    const clean = await download();
    const verified = await run('evidence', 'verify', '--dir', clean, '--public-key', publicKey);
    expect(verified.lines, verified.lines.join('\n')).toContain('OK: the archive is as sealed');
    expect(verified.code).toBe(0);

    // A key the digests cannot have been signed with is refused once, not reported per digest.
    const rsaKey = join(work, 'rsa.pem');
    writeFileSync(rsaKey, generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }));
    await expect(main(['evidence', 'verify', '--dir', clean, '--public-key', rsaKey], () => {})).rejects.toThrow(`--public-key ${rsaKey}: not a P-256 (prime256v1) EC key, which the digests are signed with`);
    const notAKey = join(work, 'not-a-key.pem');
    writeFileSync(notAKey, 'hello');
    await expect(main(['evidence', 'verify', '--dir', clean, '--public-key', notAKey], () => {})).rejects.toThrow(`--public-key ${notAKey}: not a PEM public key`);
    // A directory given as the key: one line naming the option, not Node's EISDIR.
    await expect(main(['evidence', 'verify', '--dir', clean, '--public-key', clean], () => {})).rejects.toThrow(`--public-key ${clean}: cannot be read (EISDIR)`);

    const failures = async (change: (dir: string) => void) => {
      const dir = mkdtempSync(join(work, 'changed-'));
      cpSync(clean, dir, { recursive: true });
      change(dir);
      const { code, lines } = await run('evidence', 'verify', '--dir', dir, '--public-key', publicKey);
      expect(code).toBe(1);
      return lines.filter((line) => /^ {2}[A-Z-]+ {2}/.test(line));
    };

    // A media file deleted.
    const [media] = readdirSync(join(clean, 'media'), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(clean, join(entry.parentPath, entry.name)).split(sep).join('/'));
    expect(media).toMatch(/^media\/sha256\/[0-9a-f]{64}$/);
    expect(await failures((dir) => unlinkSync(join(dir, media)))).toEqual([expect.stringContaining(`MISSING  ${media}: sealed in digest 1`)]);

    // An object dated inside a sealed period (a raw webhook "received" on a closed day) that no
    // digest covers, in the first key layout and in the current one: the day is read from either.
    const planted = 'raw/dt=2026-01-15/0000000000000000000000000000000000000000000000000000000000000000.json';
    const plantedSharded = 'raw/h=0/dt=2026-01-15/0000000000000000000000000000000000000000000000000000000000000001.json';
    expect(
      await failures((dir) => {
        for (const key of [planted, plantedSharded]) {
          mkdirSync(join(dir, key, '..'), { recursive: true });
          writeFileSync(join(dir, key), '{"object":"whatsapp_business_account","entry":[]}');
        }
      }),
    ).toEqual([expect.stringContaining(`ADDED-AFTER-SEAL  ${planted}`), expect.stringContaining(`ADDED-AFTER-SEAL  ${plantedSharded}`)]);

    // A digest replaced and signed again with another key: its signature fails, and the next digest no longer links to it.
    const resigned = await failures((dir) => {
      const path = join(dir, EVIDENCE_KEYS.digest(1));
      const digest = parseDigest(readFileSync(path));
      const { signature: _signature, ...unsigned } = digest;
      return signDigest({ ...unsigned, createdAt: new Date(0).toISOString() }, new LocalDigestSigner(generateSigningKeyPem(), 'intruder')).then((forged) => writeFileSync(path, serializeDigest(forged)));
    });
    expect(resigned).toEqual(
      expect.arrayContaining([expect.stringContaining(`SIGNATURE  ${EVIDENCE_KEYS.digest(1)}`), expect.stringContaining(`CHAIN  ${EVIDENCE_KEYS.digest(2)}: digest 2`)]),
    );

    // A digest removed from the chain.
    const removed = await failures((dir) => unlinkSync(join(dir, EVIDENCE_KEYS.digest(1))));
    expect(removed).toEqual(expect.arrayContaining([expect.stringContaining(`CHAIN  ${EVIDENCE_KEYS.digest(2)}: the chain starts at digest 2`)]));
  });

  it('proves one message alone, and the proof fails once its raw body is altered', async () => {
    const file = join(work, 'proof.json');
    expect((await cli('evidence', 'prove', firstMessage, '--out', file))[0]).toContain(`wrote the proof of message ${firstMessage}`);
    expect((await cli('evidence', 'check', file))[0]).toMatch(new RegExp(`^valid: message ${firstMessage} came in ${rawKeyOfFirst.replace(/[.]/g, '\\.')}, leaf \\d+ of \\d+ of digest 1`));

    const proof = JSON.parse(readFileSync(file, 'utf8')) as { object: { body: string } };
    const body = Buffer.from(proof.object.body, 'base64').toString('utf8').replace('orçamento', 'orcamento');
    writeFileSync(file, JSON.stringify({ ...proof, object: { ...proof.object, body: Buffer.from(body).toString('base64') } }));
    const { code, lines } = await run('evidence', 'check', file);
    expect(code).toBe(1);
    expect(lines.length).toBeGreaterThan(0);
    // A message the archive does not have, and a proof file that is not one: one line each.
    await expect(main(['evidence', 'prove', 'wamid.nope', '--out', join(work, 'nope.json')])).rejects.toThrow('message wamid.nope is not in the archive');
    writeFileSync(join(work, 'bad.json'), '{"format":');
    await expect(main(['evidence', 'check', join(work, 'bad.json')])).rejects.toThrow(/^.*bad\.json is not JSON: /);
    await expect(main(['evidence', 'check', join(work, 'missing.json')])).rejects.toThrow('missing.json: no such file');
  });

  it('reports an erased contact’s objects as erased, not tampered', async () => {
    const contact = '5511981114444';
    await customerMessage('Quero que apaguem meus dados', contact);
    expect((await seal()).sealed).toBe(true);
    await cli('subject', 'erase', '--contact', contact, '--reason', 'LGPD art. 18 request #42', '--by', 'dpo@example.com');
    // `vigia evidence seal` seals as the schedule does: 5 minutes behind, so nothing yet here.
    expect(await cli('evidence', 'seal')).toEqual([expect.stringMatching(/^nothing to seal: digest 3 already covers up to \S+, and a period ends 300 s before its seal$/)]);
    expect((await seal()).sealed).toBe(true);
    const { code, lines } = await run('evidence', 'verify');
    expect(lines, lines.join('\n')).toContain('OK: the archive is as sealed');
    expect(lines).toContain('  erased (a subject erasure recorded them; not tampering): 1');
    expect(code).toBe(0);
  });

  it('seals one at a time: two seals at once (the schedule and `vigia evidence seal`) never write the same digest twice, and the chain verifies', async () => {
    await customerMessage('Mais uma mensagem', '5511981115555');
    const second = Math.floor(Date.now() / 1000);
    await expect.poll(() => Math.floor(Date.now() / 1000), { interval: 20, timeout: 2000 }).toBeGreaterThan(second);
    // Without the lock both read the same latest digest and write the next one, the second over the first.
    const results = await Promise.all([stack.stack.sealEvidence({ settleMs: 0 }), stack.stack.sealEvidence({ settleMs: 0 })]);
    const sequences = results.flatMap((result) => (result.sealed ? [result.digest.sequence] : []));
    expect(sequences.length).toBeGreaterThan(0);
    expect(new Set(sequences).size).toBe(sequences.length);
    expect(existsSync(join(stack.dataDir, SEAL_LOCK_FILE))).toBe(false);
    const { code, lines } = await run('evidence', 'verify');
    expect(lines, lines.join('\n')).toContain('OK: the archive is as sealed');
    expect(code).toBe(0);
  });
});
