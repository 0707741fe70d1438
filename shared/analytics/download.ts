import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { ANALYTICS_PREFIXES } from '../resources/definitions';

export interface DownloadSummary {
  /** `<dir>/exports`: the local copy of the bucket's `exports/`. */
  root: string;
  /** Files in the copy now. */
  files: number;
  /** Files fetched (new or changed). */
  downloaded: number;
  /** Files deleted because their table-day is gone from the bucket. */
  removed: number;
  bytes: number;
}

/** What the last download fetched, by object key: `<dir>/.exports-manifest.json` (outside `exports/`). */
type Manifest = Record<string, { etag: string; size: number }>;
const MANIFEST_FILE = '.exports-manifest.json';

/**
 * Mirrors the analytics bucket's `exports/` into `<dir>/exports/`, keeping the object keys
 * (`<dir>/exports/messages/dt=2026-11-27/data.parquet`), so DuckDB, pandas or Spark can read it
 * with Hive partitioning. Incremental: a file is fetched again only when the object's ETag or size
 * changed since the last download (kept in `<dir>/.exports-manifest.json`); files whose object is
 * gone (a day that became empty) are deleted. Each file is written to a temporary name and
 * renamed, so a reader never sees half a file.
 */
export async function downloadExports(s3: S3Client, bucket: string, dir: string): Promise<DownloadSummary> {
  const root = resolve(dir, ANALYTICS_PREFIXES.exports);
  mkdirSync(root, { recursive: true });
  const manifestFile = join(resolve(dir), MANIFEST_FILE);
  const previous = readManifest(manifestFile);
  const manifest: Manifest = {};
  const wanted = new Set<string>();
  const summary: DownloadSummary = { root, files: 0, downloaded: 0, removed: 0, bytes: 0 };
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: ANALYTICS_PREFIXES.exports, ContinuationToken: token }));
    for (const object of page.Contents ?? []) {
      const key = object.Key!;
      if (key.endsWith('/')) continue;
      const file = resolve(root, key.slice(ANALYTICS_PREFIXES.exports.length));
      // Keys come from the bucket: never write outside the copy.
      if (!file.startsWith(root + sep)) throw new Error(`refusing to write ${key} outside ${root}`);
      wanted.add(file);
      summary.files++;
      const version = { etag: object.ETag ?? '', size: object.Size ?? -1 };
      manifest[key] = version;
      const known = previous[key];
      if (known && known.etag === version.etag && known.size === version.size && sizeOf(file) === version.size) continue;
      const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const body = await response.Body!.transformToByteArray();
      mkdirSync(dirname(file), { recursive: true });
      const partial = `${file}.partial`;
      writeFileSync(partial, body);
      renameSync(partial, file);
      manifest[key] = { etag: response.ETag ?? version.etag, size: body.byteLength };
      summary.downloaded++;
      summary.bytes += body.byteLength;
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  for (const file of filesUnder(root)) {
    if (!wanted.has(file)) {
      rmSync(file, { force: true });
      summary.removed++;
    }
  }
  removeEmptyDirectories(root);
  writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 1)}\n`);
  return summary;
}

function readManifest(file: string): Manifest {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch {
    return {};
  }
}

function sizeOf(file: string): number | undefined {
  try {
    const stat = statSync(file);
    return stat.isFile() ? stat.size : undefined;
  } catch {
    return undefined;
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : entry.isFile() ? [path] : [];
  });
}

function removeEmptyDirectories(root: string): void {
  const visit = (dir: string): boolean => {
    // Visit every child (no short-circuit), then drop this directory if nothing is left in it.
    const children = readdirSync(dir, { withFileTypes: true }).map((entry) => (entry.isDirectory() ? visit(join(dir, entry.name)) : false));
    const empty = children.every(Boolean);
    if (empty && relative(root, dir) !== '') rmSync(dir, { recursive: true, force: true });
    return empty;
  };
  visit(root);
}
