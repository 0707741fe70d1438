import { describe, expect, it } from 'vitest';
import { FlowInput } from '../../shared/compliance/contracts';
import { MediaJob } from '../../shared/media/contracts';
import { ContractError, encodeContract, parseContract } from '../../shared/platform/contracts';
import { DisclosureEvent } from '../../shared/privacy/contracts';
import { flowTask } from '../../functions/compliance/task-handler';
import { lambdaContext } from '../../local/api-gateway';

/** The messages between functions (issue 18): one schema for producer and consumer. */
describe('contracts between functions', () => {
  it('round-trips what the producers send', () => {
    expect(parseContract(MediaJob, 'media job', encodeContract(MediaJob, { mediaId: 'm-1' }))).toEqual({ mediaId: 'm-1' });
    expect(parseContract(FlowInput, 'flow input', encodeContract(FlowInput, { messageId: 'wamid.1' }))).toEqual({ messageId: 'wamid.1' });
    expect(parseContract(DisclosureEvent, 'disclosure event', { messageIds: ['wamid.1', 'wamid.2'] })).toEqual({ messageIds: ['wamid.1', 'wamid.2'] });
  });

  it.each([
    [MediaJob, 'media job', '{"media_id":"m-1"}', /^media job: mediaId must be a string$/],
    [MediaJob, 'media job', '{"mediaId":""}', /^media job: mediaId must not be empty$/],
    [MediaJob, 'media job', 'not json', /^media job: not JSON/],
    [FlowInput, 'flow input', { id: 'wamid.1' }, /^flow input: messageId must be a string$/],
    [DisclosureEvent, 'disclosure event', { messageIds: 'wamid.1' }, /^disclosure event: messageIds must be a list of message ids$/],
    [DisclosureEvent, 'disclosure event', { messageIds: Array.from({ length: 1001 }, (_, i) => `w${i}`) }, /at most 1,000 message ids/],
  ] as const)('the consumer refuses %#: says which contract and which field', (schema, name, message, reason) => {
    expect(() => parseContract(schema, name, message)).toThrow(ContractError);
    expect(() => parseContract(schema, name, message)).toThrow(reason);
  });

  it('a producer cannot send what its consumer would refuse', () => {
    expect(() => encodeContract(MediaJob, { mediaId: '' })).toThrow();
  });

  it('a compliance task refuses an input without a message id before doing anything', async () => {
    let ran = false;
    const task = flowTask('Prepare', () => {
      ran = true;
      return {};
    });
    await expect(task({} as never, lambdaContext('vigia-compliance-prepare') as never)).rejects.toThrow(/^Prepare input: messageId must be a string$/);
    expect(ran).toBe(false);
  });
});
