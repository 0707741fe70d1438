import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WhatsAppSecrets } from '../shared/platform/secrets';

export interface LocalSecrets extends WhatsAppSecrets {
  accessToken: string;
  /** HMAC key of the employee notice's acknowledgement links (VIGIA_NOTICE_SIGNING_KEY). */
  noticeSigningKey: string;
  /** Which values were generated (and kept in the data dir) rather than given in the environment. */
  generated: (keyof StoredSecrets)[];
}

type StoredSecrets = WhatsAppSecrets & { noticeSigningKey?: string };

/**
 * Development secrets: WHATSAPP_APP_SECRET / WHATSAPP_VERIFY_TOKEN / WHATSAPP_ACCESS_TOKEN (and
 * VIGIA_NOTICE_SIGNING_KEY, the employee notice's link key) when set, otherwise values generated once and kept in `<dataDir>/dev-secrets.json` (mode 600) so a
 * restart keeps accepting the same signatures.
 */
export function loadLocalSecrets(dataDir: string, env: Record<string, string | undefined> = process.env): LocalSecrets {
  const file = join(dataDir, 'dev-secrets.json');
  const stored: Partial<StoredSecrets> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const generated: (keyof StoredSecrets)[] = [];
  const pick = (name: keyof StoredSecrets, envName: string, bytes = 16): string => {
    const fromEnv = env[envName];
    if (fromEnv) return fromEnv;
    if (!stored[name]) {
      stored[name] = randomBytes(bytes).toString('hex');
    }
    generated.push(name);
    return stored[name]!;
  };
  const secrets = {
    appSecret: pick('appSecret', 'WHATSAPP_APP_SECRET'),
    verifyToken: pick('verifyToken', 'WHATSAPP_VERIFY_TOKEN'),
    accessToken: pick('accessToken', 'WHATSAPP_ACCESS_TOKEN'),
    noticeSigningKey: pick('noticeSigningKey', 'VIGIA_NOTICE_SIGNING_KEY', 32),
  };
  if (generated.length > 0) writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  return { ...secrets, generated };
}
