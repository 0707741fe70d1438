import { createHash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';

export interface ZippedFile {
  path: string;
  size: number;
  sha256: string;
}

/**
 * A ZIP archive streamed to a file (fflate): entries are written one at a time, the output waits
 * for the disk (a 100 MB video never sits in memory), and each entry's sha256 is taken from the
 * bytes as they go in.
 */
export class ZipFileWriter {
  private readonly out: WriteStream;
  private readonly zip: Zip;
  private failure: Error | undefined;
  private readonly finished: Promise<void>;
  readonly files: ZippedFile[] = [];

  constructor(file: string) {
    this.out = createWriteStream(file, { flags: 'wx' });
    this.out.on('error', (error) => (this.failure ??= error));
    let done!: () => void;
    let fail!: (error: Error) => void;
    this.finished = new Promise<void>((resolve, reject) => ((done = resolve), (fail = reject)));
    this.finished.catch(() => undefined);
    this.zip = new Zip((error, chunk, final) => {
      if (error) {
        this.failure ??= error;
        fail(error);
        return;
      }
      this.out.write(chunk);
      if (final) this.out.end(() => done());
    });
  }

  /** A small file, deflated. */
  async addBuffer(path: string, content: Buffer | string, mtime = new Date()): Promise<ZippedFile> {
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const entry = new ZipDeflate(path, { level: 6 });
    entry.mtime = mtime;
    this.zip.add(entry);
    entry.push(bytes, true);
    await this.drain();
    return this.record(path, bytes.length, createHash('sha256').update(bytes).digest('hex'));
  }

  /**
   * A stream stored as it is (media is compressed already). `verify` gets the sha256 of the bytes
   * written before the entry is recorded; throwing from it aborts the archive.
   */
  async addStream(path: string, source: Readable, mtime = new Date()): Promise<ZippedFile> {
    const entry = new ZipPassThrough(path);
    entry.mtime = mtime;
    this.zip.add(entry);
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of source) {
      const bytes = chunk as Buffer;
      hash.update(bytes);
      size += bytes.length;
      entry.push(bytes, false);
      await this.drain();
    }
    entry.push(new Uint8Array(0), true);
    await this.drain();
    return this.record(path, size, hash.digest('hex'));
  }

  async close(): Promise<void> {
    this.zip.end();
    await this.finished;
    if (this.failure) throw this.failure;
  }

  /** Stops writing (the caller removes the partial file). */
  async abort(): Promise<void> {
    this.zip.terminate();
    this.out.destroy();
    if (!this.out.closed) await once(this.out, 'close').catch(() => undefined);
  }

  private record(path: string, size: number, sha256: string): ZippedFile {
    const file = { path, size, sha256 };
    this.files.push(file);
    return file;
  }

  private async drain(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.out.writableNeedDrain) await once(this.out, 'drain');
    if (this.failure) throw this.failure;
  }
}
