import { createHash } from 'node:crypto';

/**
 * Merkle trees as RFC 6962 §2.1 (and RFC 9162 §2.1) define them: leaf and interior hashes carry
 * different one-byte prefixes, so no leaf can pass for an interior node.
 */

/** One archived object, as the digest commits to it. */
export interface Leaf {
  key: string;
  size: number;
  /** Lowercase hex. */
  sha256: string;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
const HASH_BYTES = 32;
const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** The bytes a leaf hashes: `${key}\n${size}\n${sha256}` in UTF-8. */
export function leafBytes(leaf: Leaf): Buffer {
  if (typeof leaf.key !== 'string' || leaf.key.length === 0) throw new Error('leaf key must be a non-empty string');
  // A newline in the key would let two different leaves share the same bytes.
  if (leaf.key.includes('\n')) throw new Error(`leaf key ${JSON.stringify(leaf.key)} contains a newline`);
  if (!Number.isSafeInteger(leaf.size) || leaf.size < 0) throw new Error(`leaf size of ${leaf.key} must be a non-negative integer, got ${leaf.size}`);
  if (typeof leaf.sha256 !== 'string' || !SHA256_HEX.test(leaf.sha256)) {
    throw new Error(`leaf sha256 of ${leaf.key} must be 64 lowercase hex characters, got ${JSON.stringify(leaf.sha256)}`);
  }
  return Buffer.from(`${leaf.key}\n${leaf.size}\n${leaf.sha256}`, 'utf8');
}

/** SHA-256(0x00 ‖ leafBytes). */
export function leafHash(leaf: Leaf): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(leafBytes(leaf)).digest();
}

/** SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Buffer, right: Buffer): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/** The root of a tree with no leaves: SHA-256 of the empty string. */
export const EMPTY_TREE_ROOT: Buffer = createHash('sha256').digest();

/** The one leaf order: by the keys' UTF-8 bytes, which every language sorts alike (JavaScript's `<` compares UTF-16 units). */
export function compareLeafKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** The largest power of two smaller than n (n ≥ 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The root of leaf hashes added in order, in memory O(log n): a stack of the roots of perfect
 * subtrees, strictly decreasing in height from the bottom. Adding a leaf merges equal heights like
 * a binary counter; the root folds the stack from the right, which is how RFC 6962 splits a tree
 * whose size is not a power of two.
 */
export class MerkleRootBuilder {
  readonly #hashes: Buffer[] = [];
  readonly #heights: number[] = [];
  #size = 0;

  add(hash: Buffer): void {
    if (hash.length !== HASH_BYTES) throw new Error(`a leaf hash has ${HASH_BYTES} bytes, got ${hash.length}`);
    let merged = hash;
    let height = 0;
    while (this.#heights.length > 0 && this.#heights[this.#heights.length - 1] === height) {
      this.#heights.pop();
      merged = nodeHash(this.#hashes.pop()!, merged);
      height += 1;
    }
    this.#hashes.push(merged);
    this.#heights.push(height);
    this.#size += 1;
  }

  get size(): number {
    return this.#size;
  }

  /** Subtree roots held: one per set bit of `size`. */
  get depth(): number {
    return this.#hashes.length;
  }

  root(): Buffer {
    if (this.#hashes.length === 0) return EMPTY_TREE_ROOT;
    let root = this.#hashes[this.#hashes.length - 1];
    for (let i = this.#hashes.length - 2; i >= 0; i -= 1) root = nodeHash(this.#hashes[i], root);
    return root;
  }
}

function subtreeRoot(hashes: readonly Buffer[], start: number, end: number): Buffer {
  const n = end - start;
  if (n === 0) return EMPTY_TREE_ROOT;
  if (n === 1) return hashes[start];
  const k = splitPoint(n);
  return nodeHash(subtreeRoot(hashes, start, start + k), subtreeRoot(hashes, start + k, end));
}

/** MTH(D[n]) by the recursive definition of RFC 6962 §2.1 (the reference for MerkleRootBuilder). */
export function merkleRoot(hashes: readonly Buffer[]): Buffer {
  return subtreeRoot(hashes, 0, hashes.length);
}

/** PATH(m, D[n]) of RFC 6962 §2.1.1: the sibling hashes from the leaf up to the root. */
export function inclusionProof(hashes: readonly Buffer[], index: number): Buffer[] {
  if (!Number.isInteger(index) || index < 0 || index >= hashes.length) {
    throw new Error(`leaf index ${index} is outside a tree of ${hashes.length} leaves`);
  }
  const path: Buffer[] = [];
  let start = 0;
  let end = hashes.length;
  let m = index;
  // Top-down, so each sibling is found before the ones below it; PATH lists them bottom-up.
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (m < k) {
      path.push(subtreeRoot(hashes, start + k, end));
      end = start + k;
    } else {
      path.push(subtreeRoot(hashes, start, start + k));
      start += k;
      m -= k;
    }
  }
  return path.reverse();
}

/** RFC 9162 §2.1.3.2: whether `proof` proves `leaf` is leaf `index` of the tree of `treeSize` leaves with `root`. */
export function verifyInclusion(leaf: Buffer, index: number, treeSize: number, proof: readonly Buffer[], root: Buffer): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(treeSize) || index < 0 || index >= treeSize) return false;
  if (leaf.length !== HASH_BYTES || root.length !== HASH_BYTES || proof.some((hash) => hash.length !== HASH_BYTES)) return false;
  // Division rather than bit shifts: sizes may exceed 32 bits.
  const half = (x: number) => Math.floor(x / 2);
  let fn = index;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && r.equals(root);
}
