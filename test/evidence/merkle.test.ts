import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  compareLeafKeys,
  EMPTY_TREE_ROOT,
  inclusionProof,
  type Leaf,
  leafBytes,
  leafHash,
  MerkleRootBuilder,
  merkleRoot,
  nodeHash,
  verifyInclusion,
} from '../../shared/evidence/merkle';

// The reference hashing, written here with node:crypto only, independent of the code under test.
const sha256 = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const referenceLeaf = (leaf: Leaf) => sha256(Buffer.from([0]), Buffer.from(`${leaf.key}\n${leaf.size}\n${leaf.sha256}`, 'utf8'));
const referenceNode = (left: Buffer, right: Buffer) => sha256(Buffer.from([1]), left, right);
const hex = (buffers: Buffer[]) => buffers.map((buffer) => buffer.toString('hex'));

const SEVEN: Leaf[] = [
  { key: 'audit/2026/05/19/14/0001.json', size: 412, sha256: 'a'.repeat(64) },
  { key: 'media/sha256/0c7e6a4f5b7d1e2f3a4b5c6d7e8f90112233445566778899aabbccddeeff0011', size: 88_211, sha256: '0c7e6a4f5b7d1e2f3a4b5c6d7e8f90112233445566778899aabbccddeeff0011' },
  { key: 'raw/2026/05/19/14/00-01.json', size: 1_024, sha256: 'b'.repeat(64) },
  { key: 'raw/2026/05/19/14/00-02.json', size: 0, sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
  { key: 'raw/2026/05/19/14/00-03.json', size: 2_048, sha256: 'c'.repeat(64) },
  { key: 'rejected/2026/05/19/14/00-04.json', size: 77, sha256: 'd'.repeat(64) },
  { key: 'raw/2026/05/19/14/ação.json', size: 9, sha256: '0123456789abcdef'.repeat(4) },
];

/** Leaf hashes that need no leaf format: SHA-256 of the index. */
const hashes = (n: number) => Array.from({ length: n }, (_, i) => createHash('sha256').update(String(i)).digest());

describe('leafBytes and leafHash', () => {
  it('hashes 0x00 ‖ key \\n size \\n sha256 in UTF-8', () => {
    for (const leaf of SEVEN) {
      expect(leafBytes(leaf).toString('utf8')).toBe(`${leaf.key}\n${leaf.size}\n${leaf.sha256}`);
      expect(leafHash(leaf).toString('hex')).toBe(referenceLeaf(leaf).toString('hex'));
    }
  });

  it('fails for a key with a newline, a negative or fractional size, or a sha256 that is not 64 lowercase hex', () => {
    const good = SEVEN[0];
    expect(() => leafBytes({ ...good, key: 'raw/a\nb' })).toThrow(/newline/);
    expect(() => leafBytes({ ...good, key: '' })).toThrow(/non-empty/);
    expect(() => leafBytes({ ...good, size: -1 })).toThrow(/non-negative integer/);
    expect(() => leafBytes({ ...good, size: 1.5 })).toThrow(/non-negative integer/);
    expect(() => leafBytes({ ...good, size: Number.NaN })).toThrow(/non-negative integer/);
    expect(() => leafBytes({ ...good, sha256: 'A'.repeat(64) })).toThrow(/64 lowercase hex/);
    expect(() => leafBytes({ ...good, sha256: 'a'.repeat(63) })).toThrow(/64 lowercase hex/);
  });
});

describe('compareLeafKeys', () => {
  it('orders by UTF-8 bytes, not UTF-16 units', () => {
    // U+FF61 is EF BD A1 in UTF-8, U+1F600 is F0 9F 98 80: UTF-8 puts U+FF61 first; UTF-16 (0xFF61 > 0xD83D) the emoji.
    expect(['raw/😀', 'raw/｡'].sort(compareLeafKeys)).toEqual(['raw/｡', 'raw/😀']);
    expect(['raw/😀', 'raw/｡'].sort()).toEqual(['raw/😀', 'raw/｡']);
    expect(compareLeafKeys('raw/a', 'raw/a')).toBe(0);
    expect(compareLeafKeys('media/x', 'raw/a')).toBeLessThan(0);
  });
});

describe('RFC 6962 roots and paths, against a reference written out by hand', () => {
  const L = SEVEN.map(referenceLeaf);
  // MTH(D[7]): k = 4 splits 0..3 | 4..6, then 4..6 splits at k = 2 into 4..5 | 6.
  const h01 = referenceNode(L[0], L[1]);
  const h23 = referenceNode(L[2], L[3]);
  const h45 = referenceNode(L[4], L[5]);
  const left = referenceNode(h01, h23);
  const right = referenceNode(h45, L[6]);
  const root = referenceNode(left, right);
  const leafHashes = SEVEN.map(leafHash);

  it('computes the root of seven leaves', () => {
    expect(merkleRoot(leafHashes).toString('hex')).toBe(root.toString('hex'));
    const builder = new MerkleRootBuilder();
    for (const hash of leafHashes) builder.add(hash);
    expect(builder.size).toBe(7);
    expect(builder.root().toString('hex')).toBe(root.toString('hex'));
  });

  it('computes PATH(m, D[7]) bottom-up', () => {
    expect(hex(inclusionProof(leafHashes, 0))).toEqual(hex([L[1], h23, right]));
    expect(hex(inclusionProof(leafHashes, 3))).toEqual(hex([L[2], h01, right]));
    expect(hex(inclusionProof(leafHashes, 5))).toEqual(hex([L[4], L[6], left]));
    expect(hex(inclusionProof(leafHashes, 6))).toEqual(hex([h45, left]));
    for (let m = 0; m < 7; m += 1) expect(verifyInclusion(leafHashes[m], m, 7, inclusionProof(leafHashes, m), root)).toBe(true);
  });

  it('gives SHA-256 of the empty string for no leaves, and the leaf hash for one', () => {
    expect(EMPTY_TREE_ROOT.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(merkleRoot([]).equals(EMPTY_TREE_ROOT)).toBe(true);
    expect(new MerkleRootBuilder().root().equals(EMPTY_TREE_ROOT)).toBe(true);
    expect(merkleRoot([L[0]]).equals(L[0])).toBe(true);
    expect(inclusionProof([L[0]], 0)).toEqual([]);
    expect(verifyInclusion(L[0], 0, 1, [], L[0])).toBe(true);
  });

  it('matches the Certificate Transparency test vectors', () => {
    // certificate-transparency: cpp/merkletree/merkle_tree_test.cc (leaf data and the root of each prefix).
    const data = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
    const roots = [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
      'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
      '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
      'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
      '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
    ];
    const leaves = data.map((bytes) => sha256(Buffer.from([0]), Buffer.from(bytes, 'hex')));
    for (let n = 1; n <= leaves.length; n += 1) {
      expect(merkleRoot(leaves.slice(0, n)).toString('hex'), `root of ${n}`).toBe(roots[n - 1]);
    }
  });
});

describe('MerkleRootBuilder', () => {
  it('equals the recursive definition for every size from 0 to 70', () => {
    const all = hashes(70);
    for (let n = 0; n <= 70; n += 1) {
      const builder = new MerkleRootBuilder();
      for (const hash of all.slice(0, n)) builder.add(hash);
      expect(builder.size).toBe(n);
      expect(builder.root().toString('hex'), `n = ${n}`).toBe(merkleRoot(all.slice(0, n)).toString('hex'));
    }
  });

  it('can be read between additions', () => {
    const all = hashes(9);
    const builder = new MerkleRootBuilder();
    all.forEach((hash, i) => {
      builder.add(hash);
      expect(builder.root().equals(merkleRoot(all.slice(0, i + 1)))).toBe(true);
    });
  });

  it('rejects a hash that is not 32 bytes', () => {
    expect(() => new MerkleRootBuilder().add(Buffer.alloc(31))).toThrow(/32 bytes/);
  });

  it('keeps one subtree root per set bit of the size over 200,000 leaves, not the leaves', () => {
    const builder = new MerkleRootBuilder();
    let deepest = 0;
    const cycle = hashes(1_024);
    for (let i = 0; i < 200_000; i += 1) {
      builder.add(cycle[i % cycle.length]);
      if (builder.depth > deepest) deepest = builder.depth;
    }
    expect(builder.size).toBe(200_000);
    // Never more roots than bits in the size (a million leaves: at most 20; the bench seals one).
    expect(deepest).toBeLessThanOrEqual(18);
    // 200,000 = 0b110000110101000000: six set bits.
    expect(builder.depth).toBe(6);
  });
});

describe('inclusion proofs', () => {
  it('verifies every index for every size from 1 to 40, and rejects any alteration', () => {
    for (let n = 1; n <= 40; n += 1) {
      const all = hashes(n);
      const root = merkleRoot(all);
      const other = createHash('sha256').update('not a leaf').digest();
      for (let m = 0; m < n; m += 1) {
        const proof = inclusionProof(all, m);
        const where = `n = ${n}, m = ${m}`;
        expect(verifyInclusion(all[m], m, n, proof, root), where).toBe(true);
        expect(verifyInclusion(other, m, n, proof, root), `${where}: wrong leaf`).toBe(false);
        for (let wrong = 0; wrong <= n; wrong += 1) {
          if (wrong !== m) expect(verifyInclusion(all[m], wrong, n, proof, root), `${where}: index ${wrong}`).toBe(false);
        }
        if (proof.length > 0) expect(verifyInclusion(all[m], m, n, proof.slice(0, -1), root), `${where}: truncated`).toBe(false);
        expect(verifyInclusion(all[m], m, n, [...proof, other], root), `${where}: extended`).toBe(false);
        if (proof.length > 0) {
          const altered = proof.map((hash, i) => (i === 0 ? other : hash));
          expect(verifyInclusion(all[m], m, n, altered, root), `${where}: altered path`).toBe(false);
        }
        // A tree size no larger than the index, or one whose path is longer, cannot verify. (A nearby
        // size with the same path shape can: the proof does not bind the size; the signed digest does.)
        expect(verifyInclusion(all[m], m, m, proof, root), `${where}: size ${m}`).toBe(false);
        expect(verifyInclusion(all[m], m, 2 * n, proof, root), `${where}: size ${2 * n}`).toBe(false);
        expect(verifyInclusion(all[m], m, n, proof, other), `${where}: wrong root`).toBe(false);
      }
    }
  });

  it('returns false, without throwing, for malformed input', () => {
    const all = hashes(5);
    const root = merkleRoot(all);
    const proof = inclusionProof(all, 2);
    expect(verifyInclusion(all[2], -1, 5, proof, root)).toBe(false);
    expect(verifyInclusion(all[2], 1.5, 5, proof, root)).toBe(false);
    expect(verifyInclusion(all[2], 2, Number.NaN, proof, root)).toBe(false);
    expect(verifyInclusion(all[2], 2, 0, [], EMPTY_TREE_ROOT)).toBe(false);
    expect(verifyInclusion(all[2], 2, 5, [...proof.slice(0, -1), Buffer.alloc(3)], root)).toBe(false);
    expect(verifyInclusion(Buffer.alloc(0), 2, 5, proof, root)).toBe(false);
  });

  it('refuses to build a proof for an index outside the tree', () => {
    expect(() => inclusionProof(hashes(3), 3)).toThrow(/outside a tree of 3 leaves/);
    expect(() => inclusionProof([], 0)).toThrow(/outside/);
  });
});

it('nodeHash is SHA-256(0x01 ‖ left ‖ right)', () => {
  const [a, b] = hashes(2);
  expect(nodeHash(a, b).equals(referenceNode(a, b))).toBe(true);
});
