import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resendNotice, NoticeRequestError, type NoticeSendResult } from '../../shared/privacy/send-notices';
import { OutboxNoticeMailer } from '../../local/adapters/outbox';
import type { VigiaConfig } from '../../shared/config/vigia-config';
import type { NoticeRecord } from '../../shared/privacy/ports/notices-and-disclosures';
import { noticeState, type NoticeState } from '../../shared/privacy/employee-notice';
import { CliError } from '../errors';
import { printTable } from '../table';
import { invokeStageFunction } from '../lambda';
import { stackOutputs, type Target } from '../target';

/** One line of `vigia lines --json`. */
export interface LineNoticeJson {
  lineId: string;
  employee: string;
  team: string | null;
  /** The employee's address in the config. */
  email: string | null;
  /** The current policy version (null without `privacy.employeeNotice`). */
  policyVersion: string | null;
  state: NoticeState;
  /** Where and when the last notice for this version went. */
  sentTo: string | null;
  sentAt: string | null;
  sends: number;
  linkExpiresAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: { employee: string; email: string } | null;
  /** Earlier policy versions this line's employee acknowledged. */
  acknowledgedVersions: string[];
}

/** `vigia lines [--json]`: each configured line, its employee, and where the usage-policy notice stands. */
export async function listLines(target: Target, config: VigiaConfig, options: { json: boolean }, out: (line: string) => void): Promise<void> {
  const settings = config.privacy?.employeeNotice;
  const now = new Date();
  const rows: LineNoticeJson[] = [];
  for (const line of config.lines) {
    const notices = settings ? await target.notices.listForLine(line.phoneNumberId) : [];
    const current: NoticeRecord | undefined = notices.find((notice) => notice.policyVersion === settings?.policyVersion);
    rows.push({
      lineId: line.phoneNumberId,
      employee: line.employee,
      team: line.team ?? null,
      email: line.email ?? null,
      policyVersion: settings?.policyVersion ?? null,
      state: noticeState(line, settings, current, now),
      sentTo: current?.sentAt ? current.email : null,
      sentAt: current?.sentAt ?? null,
      sends: current?.sends ?? 0,
      linkExpiresAt: current?.sentAt ? current.linkExpiresAt : null,
      acknowledgedAt: current?.acknowledgedAt ?? null,
      acknowledgedBy: current?.acknowledgedBy ?? null,
      acknowledgedVersions: notices.filter((notice) => notice.acknowledgedAt && notice.policyVersion !== settings?.policyVersion).map((notice) => notice.policyVersion),
    });
  }
  if (options.json) {
    for (const row of rows) out(JSON.stringify(row));
    return;
  }
  printTable(
    ['LINE', 'EMPLOYEE', 'EMAIL', 'POLICY', 'STATE', 'SENT', 'ACKNOWLEDGED'],
    rows.map((row) => [row.lineId, row.employee, row.email ?? '-', row.policyVersion ?? '-', row.state, row.sentAt ?? '-', row.acknowledgedAt ?? '-']),
    'No lines in the config.',
    out,
  );
}

/**
 * `vigia lines notify LINE`: sends the line's employee the notice again with a new link (older
 * links stop working). Locally from this process into the stack's outbox; with --stage by the
 * stage's notice function (Amazon SES).
 */
export async function notifyLine(target: Target, config: VigiaConfig, lineId: string, env: Record<string, string | undefined> = process.env): Promise<string> {
  const result = target.local ? await notifyLocally(target, config, lineId, env) : await notifyOnStage(target.stage!, lineId);
  return `notice for line ${result.lineId} (${result.employee}) sent to ${result.email}: policy version ${result.policyVersion}, link valid until ${result.linkExpiresAt}`;
}

async function notifyLocally(target: Target, config: VigiaConfig, lineId: string, env: Record<string, string | undefined>): Promise<NoticeSendResult> {
  const { info, dataDir } = target.local!;
  const secretsFile = join(dataDir, 'dev-secrets.json');
  const stored = existsSync(secretsFile) ? (JSON.parse(readFileSync(secretsFile, 'utf8')) as { noticeSigningKey?: string }) : {};
  const signingKey = env.VIGIA_NOTICE_SIGNING_KEY ?? stored.noticeSigningKey;
  if (!signingKey) throw new CliError('no notice signing key: set VIGIA_NOTICE_SIGNING_KEY to the one the local stack uses');
  try {
    return await resendNotice(lineId, {
      config,
      notices: target.notices,
      mailer: new OutboxNoticeMailer(info.outboxFile, false),
      signingKey: async () => signingKey,
      publicUrl: info.url,
    });
  } catch (error) {
    if (error instanceof NoticeRequestError) throw new CliError(error.message);
    throw error;
  }
}

async function notifyOnStage(stage: string, lineId: string): Promise<NoticeSendResult> {
  const functionName = (await stackOutputs(`Vigia-${stage}-Pipeline`)).NoticeFunctionName;
  if (!functionName) throw new CliError(`stack Vigia-${stage}-Pipeline has no NoticeFunctionName output: is privacy.employeeNotice in the deployed config?`);
  const { answer: raw, text: payload } = await invokeStageFunction(functionName, { lineId }, 'the notice function');
  const answer = raw as { error?: string; results?: NoticeSendResult[] } | undefined;
  if (answer?.error) throw new CliError(answer.error);
  const result = answer?.results?.[0];
  if (result?.outcome !== 'sent') throw new CliError(`the notice function ${functionName} did not send the notice: ${payload.slice(0, 200)}`);
  return result;
}
