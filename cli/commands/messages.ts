import type { MessageView } from '../../shared/capture/ports/archive-repository';
import { printTable } from '../table';
import type { Target } from '../target';

export interface MessagesOptions {
  lineId?: string;
  contactId?: string;
  since?: string;
  limit?: number;
  json: boolean;
}

/** `vigia messages`: archived messages, newest last; read day by day (no table scan), the newest `limit` only when given. */
export async function listMessages(target: Target, options: MessagesOptions, out: (line: string) => void): Promise<number> {
  const messages = await target.repository.listMessages({ lineId: options.lineId, contactId: options.contactId, since: options.since, limit: options.limit });
  if (options.json) for (const message of messages) out(JSON.stringify(stripEmpty(message)));
  else printTable(['TIME', 'DIRECTION', 'SOURCE', 'TYPE', 'LINE', 'CONTACT', 'STATUS', 'MESSAGE'], messages.map(humanRow), 'No messages match.', out);
  return messages.length;
}

function stripEmpty(message: MessageView): Record<string, unknown> {
  return Object.fromEntries(Object.entries(message).filter(([, value]) => value !== undefined));
}

function humanRow(message: MessageView): string[] {
  const links = [
    message.editOf && `edit of ${message.editOf}`,
    message.revokes && `deletes ${message.revokes}`,
    message.reactionTo && `reaction ${message.emoji || '(removed)'} to ${message.reactionTo}`,
    message.edits.length > 0 && `edited ×${message.edits.length}`,
    message.revokedBy.length > 0 && 'deleted by sender',
    message.reactions.length > 0 && `${message.reactions.length} reaction(s)`,
  ].filter(Boolean);
  const text = message.text ? `“${message.text.length > 60 ? `${message.text.slice(0, 59)}…` : message.text}”` : '';
  return [
    message.timestamp,
    message.direction,
    message.source,
    message.type,
    message.lineId,
    message.contactId ?? '?',
    message.status ?? '-',
    [links.length > 0 ? `(${links.join(', ')})` : '', text].filter(Boolean).join(' '),
  ];
}
