import type { ConsoleLanguage } from '../../../config/schema';
import { oneLine, truncate } from '../../display-text';
import { checkFile } from '../../file-rules';
import type { FileFacts, Severity } from '../../model';
import type { CheckResult, PolicyKindDefinition } from '../policy-kind';
import { FilePolicySchema } from './schema';

/** The file a message carries, once archived: extension, MIME types, type mismatch, size (../../file-rules.ts). */

export interface FileHit {
  policyId: string;
  severity: Severity;
  /** Why: extension, declared/sniffed MIME, type mismatch, size. */
  reasons: string[];
}

export interface FileCheckResult extends CheckResult<FileHit> {
  facts?: FileFacts;
}

/**
 * The reasons ../../file-rules.ts writes (stored in English on the alert), in the manager's
 * language; a reason it does not know stays as it is.
 */
const REASONS: Record<Exclude<ConsoleLanguage, 'en'>, Array<[RegExp, string]>> = {
  pt: [
    [/^extension \.(.+) is not allowed$/, 'extensão .$1 não permitida'],
    [/^sniffed type (.+) is not allowed$/, 'tipo real $1 não permitido'],
    [/^declared type (.+) is not allowed$/, 'tipo declarado $1 não permitido'],
    [/^size (\d+) B over (\d+) B$/, 'tamanho $1 B acima de $2 B'],
    [/^declared (.+) but the bytes are (.+)$/, 'declarado $1, mas o conteúdo é $2'],
    [/^named \.(.+) but the bytes are (.+)$/, 'nome .$1, mas o conteúdo é $2'],
  ],
  es: [
    [/^extension \.(.+) is not allowed$/, 'extensión .$1 no permitida'],
    [/^sniffed type (.+) is not allowed$/, 'tipo real $1 no permitido'],
    [/^declared type (.+) is not allowed$/, 'tipo declarado $1 no permitido'],
    [/^size (\d+) B over (\d+) B$/, 'tamaño $1 B supera $2 B'],
    [/^declared (.+) but the bytes are (.+)$/, 'declarado $1, pero el contenido es $2'],
    [/^named \.(.+) but the bytes are (.+)$/, 'nombre .$1, pero el contenido es $2'],
  ],
};

function translateReason(reason: string, language: ConsoleLanguage): string {
  if (language === 'en') return reason;
  for (const [pattern, replacement] of REASONS[language]) if (pattern.test(reason)) return reason.replace(pattern, replacement);
  return reason;
}

export const filePolicies: PolicyKindDefinition<typeof FilePolicySchema, FileCheckResult> = {
  kind: 'file',
  alertName: { en: 'file', pt: 'de arquivo', es: 'de archivo' },
  schema: FilePolicySchema,
  check: {
    runsIn: 'RuleChecks',
    compile: (policies) => ({ context, scope, file, mediaError }) => {
      if (!context.mediaId) return undefined;
      if (file?.state !== 'stored') {
        return { facts: file, hits: [], skipped: `file not stored (${file?.state ?? mediaError?.Error ?? 'unknown'}); checked again once it is` };
      }
      return { facts: file, hits: checkFile(policies, file, scope) };
    },
  },
  evidence: (hit, result) => ({
    reasons: hit.reasons,
    extension: result.facts?.extension,
    declaredMime: result.facts?.declaredMime,
    sniffedMime: result.facts?.sniffedMime,
    size: result.facts?.size,
  }),
  evidenceText: (evidence) => (Array.isArray(evidence.reasons) ? (evidence.reasons as string[]).join('; ') : undefined),
  notificationText(evidence, language) {
    const reasons = Array.isArray(evidence.reasons) ? evidence.reasons.map((reason) => translateReason(String(reason), language)).join('; ') : undefined;
    return reasons ? truncate(oneLine(reasons), 300) : undefined;
  },
  describe: (policy) =>
    [
      policy.extensions ? `extensions ${policy.extensions.join(', ')}` : '',
      policy.mimeTypes ? `types ${policy.mimeTypes.join(', ')}` : '',
      policy.detectMismatch ? 'type mismatch' : '',
      policy.maxBytes !== undefined ? `over ${policy.maxBytes} B` : '',
    ].filter(Boolean),
};
