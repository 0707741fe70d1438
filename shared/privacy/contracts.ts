import * as z from 'zod';

/** The first-contact disclosure function's event (ingest → asynchronous Lambda invocation), encoded and parsed with shared/platform/contracts.ts. */
export const DisclosureEvent = z.object({
  messageIds: z.array(z.string().min(1, { error: 'a message id must not be empty' }), { error: 'messageIds must be a list of message ids' }).max(1000, { error: 'at most 1,000 message ids per event' }),
});
export type DisclosureEvent = z.infer<typeof DisclosureEvent>;
