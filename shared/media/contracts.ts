import * as z from 'zod';

/** A media download job (ingest and the media sweeper → the media queue → media-fetch), encoded and parsed with shared/platform/contracts.ts. */
export const MediaJob = z.object({ mediaId: z.string({ error: 'mediaId must be a string' }).min(1, { error: 'mediaId must not be empty' }) });
export type MediaJob = z.infer<typeof MediaJob>;
