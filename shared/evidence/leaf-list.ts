import { gunzipSync } from 'node:zlib';
import type { Leaf } from './merkle';

/** A digest's leaf list as stored (gzipped NDJSON, in leaf order). */
export function parseLeafList(stored: Uint8Array): Leaf[] {
  return gunzipSync(stored)
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Leaf);
}
