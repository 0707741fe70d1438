import type * as z from 'zod';

/**
 * The messages one function hands another are defined once, as zod schemas in the capability that
 * owns them (shared/media/contracts.ts, shared/compliance/contracts.ts, shared/privacy/contracts.ts):
 * the producer encodes them and the consumer parses them with the same schema, so a change to
 * either side that breaks the other fails in the type check or, at run time, with a message
 * naming the field.
 */

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
