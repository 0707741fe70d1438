import * as z from 'zod';

/**
 * The messages one function hands another, defined once: the producer builds them with these
 * schemas and the consumer parses them with the same ones, so a change to either side that breaks
 * the other fails in the type check or, at run time, with a message naming the field.
 */

/** A media download job (ingest and the media sweeper → the media queue → media-fetch). */
export const MediaJob = z.object({ mediaId: z.string({ error: 'mediaId must be a string' }).min(1, { error: 'mediaId must not be empty' }) });
export type MediaJob = z.infer<typeof MediaJob>;

/** The input of one compliance flow execution (ingest, media-fetch, the re-drive → Step Functions). */
export const FlowInput = z.object({ messageId: z.string({ error: 'messageId must be a string' }).min(1, { error: 'messageId must not be empty' }) });
export type FlowInput = z.infer<typeof FlowInput>;

/** The first-contact disclosure function's event (ingest → asynchronous Lambda invocation). */
export const DisclosureEvent = z.object({
  messageIds: z.array(z.string().min(1, { error: 'a message id must not be empty' }), { error: 'messageIds must be a list of message ids' }).max(1000, { error: 'at most 1,000 message ids per event' }),
});
export type DisclosureEvent = z.infer<typeof DisclosureEvent>;

/** Thrown by `parseContract`: which contract, and what is wrong with the message. */
export class ContractError extends Error {
  override readonly name = 'ContractError';
}

/** The JSON text of a message, checked against its contract first. */
export function encodeContract<S extends z.ZodType>(schema: S, value: z.input<S>): string {
  return JSON.stringify(schema.parse(value));
}

/** A message parsed and checked against its contract (JSON text or an already parsed value). */
export function parseContract<S extends z.ZodType>(schema: S, name: string, message: unknown): z.output<S> {
  let value = message;
  if (typeof message === 'string') {
    try {
      value = JSON.parse(message);
    } catch (error) {
      throw new ContractError(`${name}: not JSON (${(error as Error).message})`);
    }
  }
  const result = schema.safeParse(value);
  if (!result.success) throw new ContractError(`${name}: ${result.error.issues.map((issue) => issue.message).join('; ')}`);
  return result.data;
}
