import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { dirname, join, relative, sep } from 'node:path';
import { compareLeafKeys } from '../merkle';
import type { EvidenceBucket, StoredObject } from '../ports/evidence-bucket';

/**
 * A downloaded copy of the archive bucket (`aws s3 sync s3://<bucket> DIR`): each object a file at
 * its key. What `vigia evidence verify --dir` reads, with no AWS access.
 */
export class DirectoryEvidenceBucket implements EvidenceBucket {
  constructor(readonly dir: string) {}

  async *list(prefix: string): AsyncIterable<StoredObject> {
    const base = join(this.dir, prefix.slice(0, prefix.lastIndexOf('/') + 1));
    if (!existsSync(base)) return;
    const keys = readdirSync(base, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(this.dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
      .filter((key) => key.startsWith(prefix))
      .sort(compareLeafKeys);
    for (const key of keys) {
      const stat = statSync(join(this.dir, key));
      yield { key, size: stat.size, lastModified: stat.mtime };
    }
  }

  async open(key: string): Promise<Readable | undefined> {
    const path = join(this.dir, key);
    return existsSync(path) ? createReadStream(path) : undefined;
  }

  async read(key: string): Promise<Buffer | undefined> {
    const path = join(this.dir, key);
    return existsSync(path) ? readFileSync(path) : undefined;
  }

  async write(key: string, body: Buffer): Promise<void> {
    const path = join(this.dir, key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, body);
  }
}
