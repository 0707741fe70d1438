import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const OBJECT_SUFFIX = '._S3rver_object';
const METADATA_SUFFIX = '._S3rver_metadata.json';

/**
 * s3rver writes an object's bytes, then its md5, then its metadata, without a rename: a kill -9
 * in between leaves an object that breaks listing with a 500. Such a PUT never returned, so its
 * webhook was never acknowledged (Meta retries it, to the same content address). Before s3rver
 * starts, move those partial objects aside (kept, not deleted) so the archive stays readable.
 */
export function quarantineIncompleteObjects(storeDir: string, quarantineDir: string): string[] {
  const moved: string[] = [];
  if (!existsSync(storeDir)) return moved;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(path);
      } else if (entry.name.endsWith(OBJECT_SUFFIX) && !hasValidMetadata(path.slice(0, -OBJECT_SUFFIX.length) + METADATA_SUFFIX)) {
        const base = path.slice(0, -OBJECT_SUFFIX.length);
        for (const suffix of [OBJECT_SUFFIX, '._S3rver_object.md5', METADATA_SUFFIX]) {
          if (!existsSync(base + suffix)) continue;
          const target = join(quarantineDir, relative(storeDir, base + suffix));
          mkdirSync(dirname(target), { recursive: true });
          renameSync(base + suffix, target);
        }
        moved.push(relative(storeDir, base));
      }
    }
  };
  walk(storeDir);
  return moved;
}

function hasValidMetadata(file: string): boolean {
  try {
    JSON.parse(readFileSync(file, 'utf8'));
    return true;
  } catch {
    return false;
  }
}
