import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { SealFigure, VerifyFigure } from '../shared/evidence/measure';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface EvidenceFigure {
  /** A digest over a busy day's million objects, in a process of its own (its peak memory is the seal function's). */
  seal: SealFigure;
  /** `vigia evidence verify --dir` over sealed objects on disk. */
  verify: VerifyFigure;
}

/** Tamper evidence (issue 16): sealing a million objects, and verification speed. */
export async function measureEvidence(options: { onProgress?: (message: string) => void } = {}): Promise<EvidenceFigure> {
  const run = async (...args: string[]) => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'shared/evidence/measure.ts'), ...args], { cwd: REPO_ROOT, maxBuffer: 1024 * 1024 });
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as unknown;
  };
  options.onProgress?.('evidence: sealing a digest over 1,000,000 objects');
  const seal = (await run('seal', '1000000')) as SealFigure;
  options.onProgress?.('evidence: verifying 20,000 sealed objects on disk');
  const verify = (await run('verify', '20000')) as VerifyFigure;
  return { seal, verify };
}
