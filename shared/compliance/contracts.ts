import * as z from 'zod';

/** The input of one compliance flow execution (ingest, media-fetch, the re-drive → Step Functions), encoded and parsed with shared/platform/contracts.ts. */
export const FlowInput = z.object({ messageId: z.string({ error: 'messageId must be a string' }).min(1, { error: 'messageId must not be empty' }) });
export type FlowInput = z.infer<typeof FlowInput>;
