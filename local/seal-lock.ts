import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** The lock file of the local tamper-evidence seal, in the stack's data dir. */
export const SEAL_LOCK_FILE = 'evidence-seal.lock';

const RETRY_MS = 50;

/**
 * Runs `work` (a local tamper-evidence seal) holding `<dataDir>/evidence-seal.lock`, so that the
 * stack's hourly seal and `vigia evidence seal` never seal at the same time: both would read digest
 * N − 1 as the latest and write digest N, the second over the first, and verify would then report a
 * broken chain. On AWS the seal function's reserved concurrency of 1 does this, and S3 refuses to
 * overwrite a digest; s3rver does not.
 *
 * The file holds the holder's pid. A lock whose holder has died (kill -9 while sealing) is removed;
 * one held longer than `timeoutMs` by a live process is an error naming the file.
 */
export async function withSealLock<T>(dataDir: string, work: () => Promise<T>, options: { timeoutMs?: number } = {}): Promise<T> {
  const file = join(dataDir, SEAL_LOCK_FILE);
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  // pid and a token of this call: a release removes only its own lock.
  const token = `${process.pid} ${randomUUID()}`;
  for (;;) {
    if (tryCreate(file, token)) break;
    const holder = holderOf(file);
    if (holder !== undefined && !isAlive(holder)) {
      // Taken over by a rename, which only one waiter wins; the others find the file gone and retry.
      const stale = `${file}.stale-${randomUUID()}`;
      try {
        renameSync(file, stale);
      } catch {
        continue;
      }
      // Renamed a live lock that replaced the dead one meanwhile: put it back.
      if (holderOf(stale) !== holder) renameSync(stale, file);
      else rmSync(stale, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`another tamper-evidence seal holds ${file} (pid ${holder ?? 'unknown'}); if no seal is running, delete that file`);
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
  try {
    return await work();
  } finally {
    if (readToken(file) === token) rmSync(file, { force: true });
  }
}

function tryCreate(file: string, token: string): boolean {
  try {
    const fd = openSync(file, 'wx');
    try {
      writeSync(fd, token);
    } finally {
      closeSync(fd);
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function readToken(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The pid in the lock file; undefined while its creator has not written it yet, or once it is gone. */
function holderOf(file: string): number | undefined {
  const pid = Number(readToken(file)?.split(' ')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists, it is another user's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
