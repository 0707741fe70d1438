/**
 * Tolerant readers: the strict schemas of ../schema.ts with every field optional and an invalid
 * field read as undefined instead of failing the whole item. They are derived from the schemas
 * (`lenient`) so a field added there is read here too; the overrides below are the few places
 * where reading is more forgiving than the contract, or keeps a sub-object as it came.
 */
import * as z from 'zod';
import {
  AudioSchema,
  CallSchema,
  CallStatusSchema,
  DocumentSchema,
  EditSchema,
  ImageSchema,
  StateSyncItemSchema,
  StatusSchema,
  StickerSchema,
  ValueContactSchema,
  VideoSchema,
  WebhookErrorSchema,
  WebhookMessageSchema,
} from '../schema';

function tolerant<T extends z.ZodType>(schema: T) {
  return schema.optional().catch(undefined);
}

// The type-level mirror of `lenientOf` below, so readers keep precise types for the mapping.
type Tolerant<T> = [T] extends [z.core.SomeType] ? z.ZodCatch<z.ZodOptional<T>> : never;
type AnyObject = z.ZodObject<z.core.$ZodLooseShape, z.core.$ZodObjectConfig>;
type Options<T> = T extends z.ZodOptional<infer Inner> ? Options<Inner> : T extends z.ZodUnion<infer List> ? Options<List[number]> : T;
type KeysOf<O> = O extends z.ZodObject<infer Shape, z.core.$ZodObjectConfig> ? keyof Shape : never;
type FieldOf<O, K extends PropertyKey> = O extends z.ZodObject<infer Shape, z.core.$ZodObjectConfig> ? (K extends keyof Shape ? Shape[K] : never) : never;
type Merged<O> = z.ZodObject<{ -readonly [K in KeysOf<O> & string]: Tolerant<Lenient<FieldOf<O, K>>> }, z.core.$loose>;
type Lenient<T> = [Options<T>] extends [AnyObject] ? Merged<Options<T>> : [Options<T>] extends [z.ZodArray] ? typeof UNKNOWN_LIST : Options<T>;

/** Lists are read item by item by whoever uses them, so a bad item never costs the others. */
const UNKNOWN_LIST = z.array(z.unknown());

/** What a union, an optional or a single schema may be. */
function optionsOf(schema: z.ZodType): z.ZodType[] {
  if (schema instanceof z.ZodOptional) return optionsOf(schema.unwrap() as z.ZodType);
  if (schema instanceof z.ZodUnion) return (schema.options as readonly z.ZodType[]).flatMap(optionsOf);
  return [schema];
}

/**
 * The tolerant reading of a value that may match any of `alternatives`: objects (a union of them
 * too, e.g. every message type) become one loose object with the fields of all, each tolerant and
 * read the same way; lists become lists of unknown; anything else stays as it is.
 */
function lenientOf(alternatives: readonly z.ZodType[]): z.ZodType {
  const options = [...new Set(alternatives.flatMap(optionsOf))];
  if (options.every((option) => option instanceof z.ZodObject)) {
    const fields = new Map<string, z.ZodType[]>();
    for (const option of options) {
      for (const [key, field] of Object.entries(option.shape)) fields.set(key, [...(fields.get(key) ?? []), field as z.ZodType]);
    }
    return z.looseObject(Object.fromEntries([...fields].map(([key, fieldAlternatives]) => [key, tolerant(lenientOf(fieldAlternatives))])));
  }
  if (options.every((option) => option instanceof z.ZodArray)) return UNKNOWN_LIST;
  return options.length === 1 ? options[0] : z.union(options.map((option) => lenientOf([option])));
}

function lenient<T extends z.ZodType[]>(...alternatives: T): Lenient<T[number]> {
  return lenientOf(alternatives) as Lenient<T[number]>;
}

const str = tolerant(z.string());
const anyRecord = tolerant(z.record(z.string(), z.unknown()));
/** Items are keyed by their id: without one, an item cannot be read at all. */
const keyId = z.string().min(1);
/** Error codes are numbers; a digit string is accepted too. */
const code = tolerant(z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]));
/** Durations are seconds: a number, or a digit string. */
const seconds = tolerant(z.union([z.number().nonnegative(), z.string().regex(/^\d+$/).transform(Number)]));

export const ErrorReader = lenient(WebhookErrorSchema).extend({ code });

/** Every media type read alike: a `voice` or `filename` on another type than Meta's is kept too. */
const MediaReader = tolerant(lenient(ImageSchema, VideoSchema, AudioSchema, DocumentSchema, StickerSchema));

export const MEDIA_TYPES = ['image', 'audio', 'video', 'document', 'sticker'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

/** The type-specific bodies of any message type, shared by messages and by the new content of an `edit`. */
export const ContentReader = lenient(WebhookMessageSchema).extend(
  Object.fromEntries(MEDIA_TYPES.map((type) => [type, MediaReader])) as Record<MediaType, typeof MediaReader>,
);
export type ContentRead = z.infer<typeof ContentReader>;

export const MessageReader = ContentReader.extend({
  id: keyId,
  /** Seen on some `user_changed_user_id` samples instead of `system.user_id` / `system.previous_user_id`. */
  user_id: str,
  previous_user_id: str,
  /** Archived as sent. */
  referral: anyRecord,
  /** The new content may be of any type, not only those Meta lists for edits. */
  edit: tolerant(lenient(EditSchema).extend({ message: tolerant(ContentReader) })),
});
export type MessageRead = z.infer<typeof MessageReader>;

/** `pricing` and `conversation` are archived as sent. */
export const StatusReader = lenient(StatusSchema).extend({ id: keyId, pricing: anyRecord, conversation: anyRecord });

export const ContactReader = lenient(ValueContactSchema);
export type ContactRead = z.infer<typeof ContactReader>;

export const CallReader = lenient(CallSchema).extend({ id: keyId, duration: seconds });

export const CallStatusReader = lenient(CallStatusSchema).extend({ id: keyId });

export const StateSyncReader = lenient(StateSyncItemSchema);
