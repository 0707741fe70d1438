import type { MessageView } from '../../shared/capture/ports/archive-repository';
import type { Target } from '../target';

export interface MessagesOptions {
  lineId?: string;
  contactId?: string;
  since?: string;
  json: boolean;
}

/** `vigia messages`: archived messages, newest last. */
export async function listMessages(target: Target, options: MessagesOptions, out: (line: string) => void): Promise<number> {
  const messages = await target.repository.listMessages({ lineId: options.lineId, contactId: options.contactId, since: options.since });
  for (const message of messages) out(options.json ? JSON.stringify(stripEmpty(message)) : humanLine(message));
  return messages.length;
}

function stripEmpty(message: MessageView): Record<string, unknown> {
  return Object.fromEntries(Object.entries(message).filter(([, value]) => value !== undefined));
}

function humanLine(message: MessageView): string {
  const links = [
    message.editOf && `edit of ${message.editOf}`,
    message.revokes && `deletes ${message.revokes}`,
    message.reactionTo && `reaction ${message.emoji || '(removed)'} to ${message.reactionTo}`,
    message.edits.length > 0 && `edited ×${message.edits.length}`,
    message.revokedBy.length > 0 && 'deleted by sender',
    message.reactions.length > 0 && `${message.reactions.length} reaction(s)`,
  ].filter(Boolean);
  const text = message.text ? ` “${message.text.length > 60 ? `${message.text.slice(0, 59)}…` : message.text}”` : '';
  return [
    message.timestamp,
    message.direction.padEnd(8),
    message.source.padEnd(14),
    message.type.padEnd(11),
    `line ${message.lineId}`,
    `contact ${message.contactId ?? '?'}`,
    message.status ? `[${message.status}]` : '',
    links.length > 0 ? `(${links.join(', ')})` : '',
  ]
    .filter(Boolean)
    .join('  ')
    .concat(text);
}
