import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLocalSecrets, storedEvidenceSigningKey } from '../../local/dev-secrets';

const dir = mkdtempSync(join(tmpdir(), 'vigia-dev-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('storedEvidenceSigningKey (what the CLI signs and verifies local digests with)', () => {
  it('finds nothing, and writes nothing, before the local stack has made a key', () => {
    expect(storedEvidenceSigningKey(dir, {})).toBeUndefined();
    expect(existsSync(join(dir, 'dev-secrets.json'))).toBe(false);
  });

  it('reads the key the stack generated and kept, and the environment\'s when the stack had one', () => {
    const stack = loadLocalSecrets(dir, { WHATSAPP_APP_SECRET: 'a', WHATSAPP_VERIFY_TOKEN: 'v' });
    const before = readFileSync(join(dir, 'dev-secrets.json'), 'utf8');
    expect(storedEvidenceSigningKey(dir, {})).toBe(stack.evidenceSigningKey);
    expect(storedEvidenceSigningKey(dir, { VIGIA_EVIDENCE_SIGNING_KEY: 'pem-from-env' })).toBe('pem-from-env');
    expect(readFileSync(join(dir, 'dev-secrets.json'), 'utf8')).toBe(before);
  });
});
