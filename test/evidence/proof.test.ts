import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKeyPem, LocalDigestSigner } from '../../shared/evidence/adapters/local-signer';
import { sha256Hex, signDigest } from '../../shared/evidence/digest';
import { compareLeafKeys, inclusionProof, type Leaf, leafHash, merkleRoot } from '../../shared/evidence/merkle';
import { checkProof, type MessageProof, PROOF_FORMAT } from '../../shared/evidence/proof';
import { repoRoot } from '../helpers/paths';
import { sampleUnsignedDigest } from './fixtures';

const webhook = readFileSync(join(repoRoot, 'events', 'text-inbound.json'));
const MESSAGE_ID = 'wamid.HBgNNTUxMTk4NzY1NDMyMRUCABIYFDNBMDFGNUQ3QjJFODlDNDM5QUJCAA==';
const RAW_KEY = 'raw/2026/05/19/14/1779190200-wamid.json';
const signer = new LocalDigestSigner(generateSigningKeyPem(), 'local-test');
let proof: MessageProof;

const leafOf = (key: string, body: Buffer): Leaf => ({ key, size: body.length, sha256: sha256Hex(body) });

beforeAll(async () => {
  const others = Array.from({ length: 12 }, (_, i) => leafOf(`raw/2026/05/19/14/other-${i}.json`, Buffer.from(`{"n":${i}}`)));
  const leaves = [...others, leafOf('media/sha256/'.concat('ab'.repeat(32)), Buffer.alloc(10)), leafOf(RAW_KEY, webhook)].sort((a, b) => compareLeafKeys(a.key, b.key));
  const hashes = leaves.map(leafHash);
  const leafIndex = leaves.findIndex((leaf) => leaf.key === RAW_KEY);
  const digest = await signDigest(sampleUnsignedDigest({ leaves: leaves.length, root: merkleRoot(hashes).toString('hex') }), signer);
  proof = {
    format: PROOF_FORMAT,
    messageId: MESSAGE_ID,
    object: { key: RAW_KEY, body: webhook.toString('base64') },
    leafIndex,
    treeSize: leaves.length,
    path: inclusionProof(hashes, leafIndex).map((hash) => hash.toString('hex')),
    digest,
    publicKeyPem: await signer.publicKeyPem(),
  };
});

describe('checkProof', () => {
  it('passes a good proof, also after a JSON round trip', () => {
    expect(checkProof(proof)).toEqual({ ok: true, problems: [] });
    expect(checkProof(JSON.parse(JSON.stringify(proof)))).toEqual({ ok: true, problems: [] });
  });

  it('fails an altered body: the leaf is not in the tree', () => {
    const body = Buffer.from(webhook.toString('utf8').replace('50 licenças', '500 licenças')).toString('base64');
    const result = checkProof({ ...proof, object: { ...proof.object, body } });
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.stringMatching(new RegExp(`^The object ${RAW_KEY} .* is not leaf ${proof.leafIndex} of the digest's Merkle tree`))]);
  });

  it('fails an altered path, index or object key', () => {
    const path = [...proof.path];
    path[1] = '00'.repeat(32);
    for (const altered of [{ ...proof, path }, { ...proof, leafIndex: proof.leafIndex - 1 }, { ...proof, object: { ...proof.object, key: `${RAW_KEY}.bak` } }]) {
      const result = checkProof(altered);
      expect(result.ok).toBe(false);
      expect(result.problems).toEqual([expect.stringMatching(/inclusion path was altered/)]);
    }
  });

  it('fails with a public key other than the signer’s', async () => {
    const result = checkProof({ ...proof, publicKeyPem: await new LocalDigestSigner(generateSigningKeyPem()).publicKeyPem() });
    expect(result).toEqual({ ok: false, problems: [expect.stringMatching(/^The digest's signature \(key local-test\) does not verify with the proof's public key/)] });
  });

  it('fails a digest altered after signing, even with a path rebuilt for it', () => {
    const result = checkProof({ ...proof, digest: { ...proof.digest, period: { ...proof.digest.period, to: '2026-05-19T16:00:00.000Z' } } });
    expect(result.problems).toEqual([expect.stringMatching(/signature .* does not verify/)]);
  });

  it('fails for a message the raw webhook does not carry', () => {
    const result = checkProof({ ...proof, messageId: 'wamid.SOMEONE-ELSE' });
    expect(result).toEqual({ ok: false, problems: ['The raw webhook does not carry message wamid.SOMEONE-ELSE.'] });
  });

  it('fails a tree size that differs from the digest', () => {
    expect(checkProof({ ...proof, treeSize: proof.treeSize + 1 }).problems).toEqual([expect.stringMatching(/tree size 15 differs from the 14 leaves/)]);
  });

  it('names the malformed fields of something that is not a proof', () => {
    expect(checkProof(null).ok).toBe(false);
    const result = checkProof({ ...proof, format: 'vigia-proof/9', path: ['zz'], object: { key: RAW_KEY } });
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^The proof is malformed at proof\.format: /),
        expect.stringMatching(/^The proof is malformed at proof\.path\.0: must be 64 lowercase hex characters\.$/),
        expect.stringMatching(/^The proof is malformed at proof\.object\.body: /),
      ]),
    );
  });
});
