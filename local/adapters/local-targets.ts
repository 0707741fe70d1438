import { alertPublishers, type AlertPublisher } from '../../shared/compliance/adapters/alert-publishers';
import { complianceFlowStarters } from '../../shared/compliance/adapters/compliance-flow-starter';
import { messageQueues } from '../../shared/media/adapters/message-queues';
import type { MessageQueue } from '../../shared/media/ports/message-queue';
import { disclosureStarters } from '../../shared/privacy/adapters/disclosure-starter';
import { noticeMailers } from '../../shared/privacy/adapters/notice-mailers';
import { FlowInput } from '../../shared/compliance/contracts';
import { encodeContract } from '../../shared/platform/contracts';
import { OutboxAlertPublisher, OutboxNoticeMailer } from './outbox';

/**
 * The local stack's queues and runners (media, compliance, disclosure), registered by name. The
 * handlers' `local://<name>` targets look them up at each send, so they can be imported before
 * the queues that feed them exist.
 */
export const inProcessQueues = new Map<string, MessageQueue>();

function inProcessQueue(target: string, kind: string): MessageQueue {
  const name = target.slice('local://'.length);
  return {
    send: async (bodies) => {
      const queue = inProcessQueues.get(name);
      if (!queue) throw new Error(`no local ${kind} named "${name}" is running`);
      await queue.send(bodies);
    },
  };
}

/** `local://outbox` → the file named by VIGIA_OUTBOX_FILE. */
function outboxFile(target: string): string {
  if (target !== 'local://outbox') throw new Error(`unknown local target "${target}" (expected local://outbox)`);
  const file = process.env.VIGIA_OUTBOX_FILE;
  if (!file) throw new Error('VIGIA_OUTBOX_FILE must be set for the local outbox');
  return file;
}

/** One publisher per outbox file in the process: the notify task and the re-drive share what it has written. */
const outboxes = new Map<string, OutboxAlertPublisher>();

function outboxAlertPublisher(target: string): AlertPublisher {
  const file = outboxFile(target);
  if (!outboxes.has(file)) outboxes.set(file, new OutboxAlertPublisher(file));
  return outboxes.get(file)!;
}

/**
 * Makes the handlers' `local://` targets (MEDIA_QUEUE_URL, COMPLIANCE_STATE_MACHINE_ARN,
 * DISCLOSURE_FUNCTION, ALERTS_TOPIC_ARN, NOTICE_MAILER) resolve to the local stack's adapters.
 * Call it before importing the handlers: their module scope resolves the targets. Returns the undo.
 */
export function installLocalAdapters(): () => void {
  const undo = [
    messageQueues.register('local', (url) => inProcessQueue(url, 'queue')),
    complianceFlowStarters.register('local', (target) => {
      const runner = inProcessQueue(target, 'flow runner');
      return { start: (messageIds) => runner.send(messageIds.map((messageId) => encodeContract(FlowInput, { messageId }))) };
    }),
    disclosureStarters.register('local', (target) => {
      const queue = inProcessQueue(target, 'queue');
      return { start: (messageIds) => queue.send(messageIds) };
    }),
    alertPublishers.register('local', outboxAlertPublisher),
    noticeMailers.register('local', (target) => new OutboxNoticeMailer(outboxFile(target))),
  ];
  return () => undo.forEach((remove) => remove());
}
