import type { CallView } from '../../shared/capture/ports/archive-repository';
import { printTable } from '../table';
import type { Target } from '../target';

export interface CallsOptions {
  lineId?: string;
  contactId?: string;
  json: boolean;
}

/** `vigia calls`: Calling API calls (connect, status and terminate events merged), oldest first. */
export async function listCalls(target: Target, options: CallsOptions, out: (line: string) => void): Promise<number> {
  const calls = await target.repository.listCalls({ lineId: options.lineId, contactId: options.contactId });
  if (options.json) for (const call of calls) out(JSON.stringify(callJson(call)));
  else printTable(['STARTED', 'DIRECTION', 'STATUS', 'DURATION', 'LINE', 'CONTACT', 'CALL'], calls.map(callRow), 'No calls match.', out);
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

function callRow(call: CallView): string[] {
  return [
    call.startedAt ?? call.endedAt ?? '?',
    call.direction ?? '?',
    call.status ?? (call.events.includes('terminate') ? 'ended' : 'open'),
    call.durationSeconds !== undefined ? `${call.durationSeconds} s` : '-',
    call.lineId,
    call.contactId ?? '?',
    call.id,
  ];
}
