import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { SEAL_LOCK_FILE, withSealLock } from '../../local/seal-lock';

const dir = mkdtempSync(join(tmpdir(), 'vigia-seal-lock-'));
const lock = join(dir, SEAL_LOCK_FILE);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('runs one seal at a time in a process, and removes the lock after each, a failed one too', async () => {
  const log: string[] = [];
  const sealing = (name: string) => async () => {
    log.push(`${name} start`);
    expect(existsSync(lock)).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    log.push(`${name} end`);
    if (name === 'b') throw new Error('b failed');
    return name;
  };
  const results = await Promise.allSettled([withSealLock(dir, sealing('a')), withSealLock(dir, sealing('b')), withSealLock(dir, sealing('c'))]);
  expect(results.map((result) => (result.status === 'fulfilled' ? result.value : (result.reason as Error).message))).toEqual(['a', 'b failed', 'c']);
  // Never two at once: each start is followed by its own end.
  for (let i = 0; i < log.length; i += 2) expect(log[i + 1]).toBe(log[i]!.replace('start', 'end'));
  expect(existsSync(lock)).toBe(false);
});

it('takes over a lock whose holder died (kill -9 while sealing)', async () => {
  const dead = spawnSync(process.execPath, ['-e', '']).pid!;
  writeFileSync(lock, String(dead));
  expect(await withSealLock(dir, async () => 'sealed')).toBe('sealed');
  expect(existsSync(lock)).toBe(false);
});

it('waits for a live holder, then says which file holds it', async () => {
  // The test runner's parent process: alive for the whole test.
  writeFileSync(lock, String(process.ppid));
  await expect(withSealLock(dir, async () => 'sealed', { timeoutMs: 200 })).rejects.toThrow(`another tamper-evidence seal holds ${lock} (pid ${process.ppid}); if no seal is running, delete that file`);
  expect(existsSync(lock)).toBe(true);
  rmSync(lock);
});
