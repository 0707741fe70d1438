import { generateSigningKeyPem } from '../shared/evidence/adapters/local-signer';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WhatsAppSecrets } from '../shared/platform/secrets';

export interface LocalSecrets extends WhatsAppSecrets {
  accessToken: string;
  /** HMAC key of the employee notice's acknowledgement links (VIGIA_NOTICE_SIGNING_KEY). */
  noticeSigningKey: string;
  /** HS256 key of the console's local ID tokens (VIGIA_CONSOLE_SIGNING_KEY; Cognito signs them on AWS). */
  consoleSigningKey: string;
  /** HMAC key of the personal-data fingerprints in alerts (VIGIA_PII_FINGERPRINT_KEY; a generated secret on AWS). */
  piiFingerprintKey: string;
  /** PKCS#8 PEM of the P-256 key that signs the tamper-evidence digests (VIGIA_EVIDENCE_SIGNING_KEY; a KMS key on AWS). */
  evidenceSigningKey: string;
  /** Which values were generated (and kept in the data dir) rather than given in the environment. */
  generated: (keyof StoredSecrets)[];
}

type StoredSecrets = WhatsAppSecrets & {
  noticeSigningKey?: string;
  consoleSigningKey?: string;
  piiFingerprintKey?: string;
  evidenceSigningKey?: string;
  /** The console's local sign-in passwords, by e-mail (docs/console.md, "Signing in"). */
  consolePasswords?: Record<string, string>;
};

const secretsFile = (dataDir: string) => join(dataDir, 'dev-secrets.json');
const readStored = (file: string): Partial<StoredSecrets> => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {});

/**
 * The digests' signing key the local stack uses, read only: VIGIA_EVIDENCE_SIGNING_KEY when set,
 * else the one kept in `<dataDir>/dev-secrets.json`; undefined when neither exists. For the CLI,
 * which must sign and verify with the stack's key and never make or store another.
 */
export function storedEvidenceSigningKey(dataDir: string, env: Record<string, string | undefined> = process.env): string | undefined {
  return env.VIGIA_EVIDENCE_SIGNING_KEY || readStored(secretsFile(dataDir)).evidenceSigningKey;
}

/**
 * Development secrets: WHATSAPP_APP_SECRET / WHATSAPP_VERIFY_TOKEN / WHATSAPP_ACCESS_TOKEN (and
 * VIGIA_NOTICE_SIGNING_KEY, the employee notice's link key, VIGIA_CONSOLE_SIGNING_KEY, the
 * console tokens' key, VIGIA_PII_FINGERPRINT_KEY, the personal-data fingerprints' key, and
 * VIGIA_EVIDENCE_SIGNING_KEY, the digests' signing key, a PEM) when set, otherwise values generated once and kept in `<dataDir>/dev-secrets.json` (mode 600) so a
 * restart keeps accepting the same signatures.
 */
export function loadLocalSecrets(dataDir: string, env: Record<string, string | undefined> = process.env): LocalSecrets {
  const file = secretsFile(dataDir);
  const stored = readStored(file);
  const generated: (keyof StoredSecrets)[] = [];
  const pick = (
    name: keyof WhatsAppSecrets | 'accessToken' | 'noticeSigningKey' | 'consoleSigningKey' | 'piiFingerprintKey' | 'evidenceSigningKey',
    envName: string,
    bytes = 16,
    generate = () => randomBytes(bytes).toString('hex'),
  ): string => {
    const fromEnv = env[envName];
    if (fromEnv) return fromEnv;
    if (!stored[name]) {
      stored[name] = generate();
    }
    generated.push(name);
    return stored[name]!;
  };
  const secrets = {
    appSecret: pick('appSecret', 'WHATSAPP_APP_SECRET'),
    verifyToken: pick('verifyToken', 'WHATSAPP_VERIFY_TOKEN'),
    accessToken: pick('accessToken', 'WHATSAPP_ACCESS_TOKEN'),
    noticeSigningKey: pick('noticeSigningKey', 'VIGIA_NOTICE_SIGNING_KEY', 32),
    consoleSigningKey: pick('consoleSigningKey', 'VIGIA_CONSOLE_SIGNING_KEY', 32),
    piiFingerprintKey: pick('piiFingerprintKey', 'VIGIA_PII_FINGERPRINT_KEY', 32),
    evidenceSigningKey: pick('evidenceSigningKey', 'VIGIA_EVIDENCE_SIGNING_KEY', 0, generateSigningKeyPem),
  };
  if (generated.length > 0) writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  return { ...secrets, generated };
}

export interface ConsolePasswords {
  /** e-mail (lower case) → password. */
  byEmail: Map<string, string>;
  /** VIGIA_DEV_PASSWORD set one password for everyone (not stored). */
  fromEnv: boolean;
}

/**
 * The local console's sign-in passwords: VIGIA_DEV_PASSWORD for everyone when set; otherwise one
 * per person, generated the first time they appear in the config and kept beside the other dev
 * secrets (a restart, or a new manager in the config, keeps everyone else's).
 */
export function loadConsolePasswords(dataDir: string, emails: string[], env: Record<string, string | undefined> = process.env): ConsolePasswords {
  const shared = env.VIGIA_DEV_PASSWORD;
  if (shared) return { byEmail: new Map(emails.map((email) => [email, shared])), fromEnv: true };
  const file = secretsFile(dataDir);
  const stored = readStored(file);
  const passwords = { ...stored.consolePasswords };
  let added = false;
  for (const email of emails) {
    if (passwords[email]) continue;
    // 12 characters from an alphabet without look-alikes: typed by hand at the sign-in page.
    const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
    passwords[email] = [...randomBytes(12)].map((byte) => alphabet[byte % alphabet.length]).join('');
    added = true;
  }
  if (added) writeFileSync(file, JSON.stringify({ ...stored, consolePasswords: passwords }, null, 2), { mode: 0o600 });
  return { byEmail: new Map(emails.map((email) => [email, passwords[email]])), fromEnv: false };
}
