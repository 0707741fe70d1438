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

export const filePolicies: PolicyKindDefinition<typeof FilePolicySchema, FileCheckResult> = {
  kind: 'file',
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
  notificationText(evidence) {
    const reasons = Array.isArray(evidence.reasons) ? evidence.reasons.join('; ') : undefined;
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
