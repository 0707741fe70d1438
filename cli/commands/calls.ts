import type { CallView } from '../../shared/capture/ports/archive-repository';
import type { Target } from '../target';

export interface CallsOptions {
  lineId?: string;
  contactId?: string;
  json: boolean;
}

/** `vigia calls`: Calling API calls (connect, status and terminate events merged), oldest first. */
export async function listCalls(target: Target, options: CallsOptions, out: (line: string) => void): Promise<number> {
  const calls = await target.repository.listCalls({ lineId: options.lineId, contactId: options.contactId });
  for (const call of calls) out(options.json ? JSON.stringify(callJson(call)) : callLine(call));
  return calls.length;
}

/** One JSON row: every key always present (null when Meta has not said), like `vigia media --json`. */
export function callJson(call: CallView): Record<string, unknown> {
  return {
    id: call.id,
    lineId: call.lineId,
    contactId: call.contactId ?? null,
    contactUserId: call.contactUserId ?? null,
    direction: call.direction ?? null,
    status: call.status ?? null,
    startedAt: call.startedAt ?? null,
    endedAt: call.endedAt ?? null,
    durationSeconds: call.durationSeconds ?? null,
    events: call.events,
  };
}

function callLine(call: CallView): string {
  return [
    call.startedAt ?? call.endedAt ?? '?'.padEnd(24),
    (call.direction ?? '?').padEnd(8),
    (call.status ?? (call.events.includes('terminate') ? 'ended' : 'open')).padEnd(10),
    call.durationSeconds !== undefined ? `${call.durationSeconds} s` : '',
    `line ${call.lineId}`,
    `contact ${call.contactId ?? '?'}`,
    call.id,
  ]
    .filter(Boolean)
    .join('  ');
}
