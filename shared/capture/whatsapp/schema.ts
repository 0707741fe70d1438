/**
 * Zod schemas for WhatsApp Cloud API webhook notifications (see /work/shared/whatsapp/webhook-spec.md).
 *
 * Conventions:
 * - Every object schema is loose: fields Meta adds tomorrow are kept, never stripped.
 * - Timestamps are Unix seconds, as a string or a number.
 * - Unknown message types, interactive types and webhook fields are accepted by a fallback
 *   branch, so a valid-but-new payload never fails because of its discriminator.
 * - These schemas describe what Meta documents. `normalizeWebhook` uses them to report issues,
 *   but it still archives items that do not match them.
 */
import * as z from 'zod';

// ---------------------------------------------------------------------------------------------
// Shared building blocks
// ---------------------------------------------------------------------------------------------

/** Unix seconds, normally a string ("1697043223"), sometimes a JSON number. */
export const TimestampSchema = z.union([
  z.string().regex(/^\d+$/, 'expected Unix seconds as a digit string'),
  z.number().nonnegative(),
]);
export type Timestamp = z.infer<typeof TimestampSchema>;

export const ErrorDataSchema = z.looseObject({
  details: z.string().optional(),
});
export type ErrorData = z.infer<typeof ErrorDataSchema>;

/** Used in `value.errors[]`, `messages[].errors[]`, `statuses[].errors[]` and `history[].errors[]`. */
export const WebhookErrorSchema = z.looseObject({
  code: z.number().optional(),
  title: z.string().optional(),
  message: z.string().optional(),
  error_data: ErrorDataSchema.optional(),
  /** Legacy (pre-2023) payloads put `details` at the top level instead of in `error_data`. */
  details: z.string().optional(),
  href: z.string().optional(),
});
export type WebhookError = z.infer<typeof WebhookErrorSchema>;

export const MetadataSchema = z.looseObject({
  /** Without the leading `+`. */
  display_phone_number: z.string(),
  /** The corporate line: route on this, never on `entry[].id`. */
  phone_number_id: z.string(),
});
export type Metadata = z.infer<typeof MetadataSchema>;

export const ContactProfileSchema = z.looseObject({
  name: z.string().optional(),
  username: z.string().optional(),
  country_code: z.string().optional(),
});
export type ContactProfile = z.infer<typeof ContactProfileSchema>;

/** `value.contacts[]`: the sender's profile. Not to be confused with shared vCards (`messages[].contacts[]`). */
export const ValueContactSchema = z.looseObject({
  /** May be "" (username adopters) or absent (BSUID-only users). */
  wa_id: z.string().optional(),
  /** Business-scoped user id (BSUID). */
  user_id: z.string().optional(),
  parent_user_id: z.string().optional(),
  identity_key_hash: z.string().optional(),
  profile: ContactProfileSchema.optional(),
});
export type ValueContact = z.infer<typeof ValueContactSchema>;

// ---------------------------------------------------------------------------------------------
// Common message properties
// ---------------------------------------------------------------------------------------------

export const ReferredProductSchema = z.looseObject({
  catalog_id: z.string().optional(),
  product_retailer_id: z.string().optional(),
});

export const ContextSchema = z.looseObject({
  from: z.string().optional(),
  id: z.string().optional(),
  /** Forwarded 5 times or fewer. */
  forwarded: z.boolean().optional(),
  /** Forwarded more than 5 times. */
  frequently_forwarded: z.boolean().optional(),
  referred_product: ReferredProductSchema.optional(),
});
export type MessageContext = z.infer<typeof ContextSchema>;

/** Click-to-WhatsApp ad referral. */
export const ReferralSchema = z.looseObject({
  source_url: z.string().optional(),
  source_id: z.string().optional(),
  source_type: z.string().optional(),
  body: z.string().optional(),
  headline: z.string().optional(),
  media_type: z.string().optional(),
  image_url: z.string().optional(),
  video_url: z.string().optional(),
  thumbnail_url: z.string().optional(),
  ctwa_clid: z.string().optional(),
  welcome_message: z.looseObject({ text: z.string().optional() }).optional(),
});
export type Referral = z.infer<typeof ReferralSchema>;

export const IdentitySchema = z.looseObject({
  acknowledged: z.boolean().optional(),
  created_timestamp: TimestampSchema.optional(),
  hash: z.string().optional(),
});

/** Only on messages inside `history[].threads[].messages[]`. */
export const HistoryContextSchema = z.looseObject({
  /** DELIVERED | ERROR | PENDING | PLAYED | READ | SENT */
  status: z.string(),
});
export type HistoryContext = z.infer<typeof HistoryContextSchema>;

/** Properties every message may carry, whatever its type (inbound, echo or history). */
const messageBaseShape = {
  id: z.string(),
  timestamp: TimestampSchema,
  /** Absent for BSUID-only users: then `from_user_id` is set. */
  from: z.string().optional(),
  from_user_id: z.string().optional(),
  from_parent_user_id: z.string().optional(),
  /** Echoes and history messages. */
  to: z.string().optional(),
  to_user_id: z.string().optional(),
  to_parent_user_id: z.string().optional(),
  context: ContextSchema.optional(),
  referral: ReferralSchema.optional(),
  errors: z.array(WebhookErrorSchema).optional(),
  identity: IdentitySchema.optional(),
  group_id: z.string().optional(),
  history_context: HistoryContextSchema.optional(),
};

export const MessageBaseSchema = z.looseObject({ ...messageBaseShape, type: z.string() });
export type MessageBase = z.infer<typeof MessageBaseSchema>;

// ---------------------------------------------------------------------------------------------
// Type-specific message bodies
// ---------------------------------------------------------------------------------------------

export const TextSchema = z.looseObject({ body: z.string() });

/** `sha256` is kept as sent: base64 in current docs, hex in older samples. `url` expires after 5 minutes. */
const mediaShape = {
  id: z.string(),
  mime_type: z.string().optional(),
  sha256: z.string().optional(),
  url: z.string().optional(),
};
export const ImageSchema = z.looseObject({ ...mediaShape, caption: z.string().optional() });
export const VideoSchema = z.looseObject({ ...mediaShape, caption: z.string().optional() });
export const AudioSchema = z.looseObject({ ...mediaShape, voice: z.boolean().optional() });
export const DocumentSchema = z.looseObject({
  ...mediaShape,
  caption: z.string().optional(),
  filename: z.string().optional(),
});
export const StickerSchema = z.looseObject({ ...mediaShape, animated: z.boolean().optional() });
export type MediaObject = z.infer<typeof DocumentSchema> &
  z.infer<typeof AudioSchema> &
  z.infer<typeof StickerSchema>;

export const LocationSchema = z.looseObject({
  latitude: z.number(),
  longitude: z.number(),
  name: z.string().optional(),
  address: z.string().optional(),
  url: z.string().optional(),
});

/** A shared vCard (`messages[].contacts[]`). Any property may be missing. */
export const SharedContactSchema = z.looseObject({
  name: z
    .looseObject({
      formatted_name: z.string().optional(),
      first_name: z.string().optional(),
      last_name: z.string().optional(),
      middle_name: z.string().optional(),
      suffix: z.string().optional(),
      prefix: z.string().optional(),
    })
    .optional(),
  phones: z
    .array(
      z.looseObject({
        phone: z.string().optional(),
        wa_id: z.string().optional(),
        type: z.string().optional(),
      }),
    )
    .optional(),
  emails: z.array(z.looseObject({ email: z.string().optional(), type: z.string().optional() })).optional(),
  addresses: z
    .array(
      z.looseObject({
        street: z.string().optional(),
        city: z.string().optional(),
        state: z.string().optional(),
        zip: z.string().optional(),
        country: z.string().optional(),
        country_code: z.string().optional(),
        type: z.string().optional(),
      }),
    )
    .optional(),
  org: z
    .looseObject({
      company: z.string().optional(),
      department: z.string().optional(),
      title: z.string().optional(),
    })
    .optional(),
  urls: z.array(z.looseObject({ url: z.string().optional(), type: z.string().optional() })).optional(),
  birthday: z.string().optional(),
});
export type SharedContact = z.infer<typeof SharedContactSchema>;

export const ButtonReplyInteractiveSchema = z.looseObject({
  type: z.literal('button_reply'),
  button_reply: z.looseObject({ id: z.string(), title: z.string() }),
});
export const ListReplyInteractiveSchema = z.looseObject({
  type: z.literal('list_reply'),
  list_reply: z.looseObject({ id: z.string(), title: z.string(), description: z.string().optional() }),
});
export const NfmReplyInteractiveSchema = z.looseObject({
  type: z.literal('nfm_reply'),
  nfm_reply: z.looseObject({
    /** "flow" | "address_message" */
    name: z.string().optional(),
    body: z.string().optional(),
    /** A JSON *string*; may be malformed or lack `flow_token`. Never parsed here. */
    response_json: z.string(),
  }),
});
export const CallPermissionReplyInteractiveSchema = z.looseObject({
  type: z.literal('call_permission_reply'),
  call_permission_reply: z.looseObject({
    /** "accept" | "reject" */
    response: z.string(),
    expiration_timestamp: TimestampSchema.optional(),
    response_source: z.string().optional(),
  }),
});
export const KNOWN_INTERACTIVE_TYPES: ReadonlySet<string> = new Set([
  'button_reply',
  'list_reply',
  'nfm_reply',
  'call_permission_reply',
]);
export const OtherInteractiveSchema = z.looseObject({
  type: z.string().refine((t) => !KNOWN_INTERACTIVE_TYPES.has(t), {
    message: 'a known interactive type must match its own schema',
  }),
});
export const InteractiveSchema = z.union([
  z.discriminatedUnion('type', [
    ButtonReplyInteractiveSchema,
    ListReplyInteractiveSchema,
    NfmReplyInteractiveSchema,
    CallPermissionReplyInteractiveSchema,
  ]),
  OtherInteractiveSchema,
]);
export type Interactive = z.infer<typeof InteractiveSchema>;

/** Quick-reply tap on a template (not the same thing as `interactive.button_reply`). */
export const ButtonSchema = z.looseObject({ payload: z.string().optional(), text: z.string() });

/** On removal `emoji` is omitted (Meta docs) or "" (seen in pywa). */
export const ReactionSchema = z.looseObject({ message_id: z.string(), emoji: z.string().optional() });

export const OrderSchema = z.looseObject({
  catalog_id: z.string(),
  text: z.string().optional(),
  product_items: z.array(
    z.looseObject({
      product_retailer_id: z.string(),
      quantity: z.number(),
      item_price: z.number(),
      currency: z.string(),
    }),
  ),
});

export const SystemSchema = z.looseObject({
  body: z.string(),
  /** user_changed_number | customer_identity_changed | user_changed_user_id */
  type: z.string(),
  /** user_changed_number: the new phone number (`new_wa_id` in some samples). */
  wa_id: z.string().optional(),
  new_wa_id: z.string().optional(),
  /** user_changed_user_id: the new BSUID (and, when given, the previous one). */
  user_id: z.string().optional(),
  previous_user_id: z.string().optional(),
  /** Legacy payloads: the old phone number. */
  customer: z.string().optional(),
});

export const UnsupportedSchema = z.looseObject({ type: z.string().optional() });

export const RevokeSchema = z.looseObject({ original_message_id: z.string() });

/** The new content of an edited message: a message body without id/timestamp. */
export const EditedMessageSchema = z.looseObject({
  type: z.string(),
  context: ContextSchema.optional(),
  text: TextSchema.optional(),
  image: ImageSchema.optional(),
  video: VideoSchema.optional(),
  audio: AudioSchema.optional(),
  document: DocumentSchema.optional(),
  sticker: StickerSchema.optional(),
});
export const EditSchema = z.looseObject({
  original_message_id: z.string(),
  message: EditedMessageSchema,
});

// ---------------------------------------------------------------------------------------------
// Messages (value.messages[], value.message_echoes[], history threads)
// ---------------------------------------------------------------------------------------------

export const TextMessageSchema = z.looseObject({ ...messageBaseShape, type: z.literal('text'), text: TextSchema });
export const ImageMessageSchema = z.looseObject({ ...messageBaseShape, type: z.literal('image'), image: ImageSchema });
export const AudioMessageSchema = z.looseObject({ ...messageBaseShape, type: z.literal('audio'), audio: AudioSchema });
export const VideoMessageSchema = z.looseObject({ ...messageBaseShape, type: z.literal('video'), video: VideoSchema });
export const DocumentMessageSchema = z.looseObject({
  ...messageBaseShape,
  type: z.literal('document'),
  document: DocumentSchema,
});
export const StickerMessageSchema = z.looseObject({
  ...messageBaseShape,
  type: z.literal('sticker'),
  sticker: StickerSchema,
});
export const LocationMessageSchema = z.looseObject({
  ...messageBaseShape,
  type: z.literal('location'),
  location: LocationSchema,
});
export const ContactsMessageSchema = z.looseObject({
  ...messageBaseShape,
  type: z.literal('contacts'),
  contacts: z.array(SharedContactSchema),
});
export const InteractiveMessageSchema = z.looseObject({
  ...messageBaseShape,
  type: z.literal('interactive'),
  interactive: InteractiveSchema,
});
export const ButtonMessageSchema = z.looseObject({
  ...messageBaseShape,
  type: z.literal('button'),
  button: ButtonSchema,
});
export const ReactionMessageSchema = z.looseObject({
  ...messageBaseShape,
  type: z.literal('reaction'),
  reaction: ReactionSchema,
});
export const OrderMessageSchema = z.looseObject({ ...messageBaseShape, type: z.literal('order'), order: OrderSchema });
export const SystemMessageSchema = z.looseObject({
  ...messageBaseShape,
  type: z.literal('system'),
  system: SystemSchema,
});
export const EditMessageSchema = z.looseObject({ ...messageBaseShape, type: z.literal('edit'), edit: EditSchema });
export const RevokeMessageSchema = z.looseObject({
  ...messageBaseShape,
  type: z.literal('revoke'),
  revoke: RevokeSchema,
});
export const UnsupportedMessageSchema = z.looseObject({
  ...messageBaseShape,
  type: z.literal('unsupported'),
  errors: z.array(WebhookErrorSchema),
  unsupported: UnsupportedSchema.optional(),
});
/** Legacy name of `unsupported`. */
export const UnknownLegacyMessageSchema = z.looseObject({
  ...messageBaseShape,
  type: z.literal('unknown'),
  errors: z.array(WebhookErrorSchema),
});
/** History backfill: media is announced by a placeholder, the media itself comes in a later webhook. */
export const MediaPlaceholderMessageSchema = z.looseObject({
  ...messageBaseShape,
  type: z.literal('media_placeholder'),
});

/** One schema per known `type`; anything else goes to {@link OtherMessageSchema}. */
export const MESSAGE_SCHEMAS_BY_TYPE = {
  text: TextMessageSchema,
  image: ImageMessageSchema,
  audio: AudioMessageSchema,
  video: VideoMessageSchema,
  document: DocumentMessageSchema,
  sticker: StickerMessageSchema,
  location: LocationMessageSchema,
  contacts: ContactsMessageSchema,
  interactive: InteractiveMessageSchema,
  button: ButtonMessageSchema,
  reaction: ReactionMessageSchema,
  order: OrderMessageSchema,
  system: SystemMessageSchema,
  edit: EditMessageSchema,
  revoke: RevokeMessageSchema,
  unsupported: UnsupportedMessageSchema,
  unknown: UnknownLegacyMessageSchema,
  media_placeholder: MediaPlaceholderMessageSchema,
} as const;
export type KnownMessageType = keyof typeof MESSAGE_SCHEMAS_BY_TYPE;
export const KNOWN_MESSAGE_TYPES: ReadonlySet<string> = new Set(Object.keys(MESSAGE_SCHEMAS_BY_TYPE));

/** A message whose `type` nobody documented yet (poll, request_welcome…): kept with its raw body. */
export const OtherMessageSchema = z.looseObject({
  ...messageBaseShape,
  type: z.string().refine((t) => !KNOWN_MESSAGE_TYPES.has(t), {
    message: 'a known message type must match its own schema',
  }),
});

export const KnownMessageSchema = z.discriminatedUnion('type', [
  TextMessageSchema,
  ImageMessageSchema,
  AudioMessageSchema,
  VideoMessageSchema,
  DocumentMessageSchema,
  StickerMessageSchema,
  LocationMessageSchema,
  ContactsMessageSchema,
  InteractiveMessageSchema,
  ButtonMessageSchema,
  ReactionMessageSchema,
  OrderMessageSchema,
  SystemMessageSchema,
  EditMessageSchema,
  RevokeMessageSchema,
  UnsupportedMessageSchema,
  UnknownLegacyMessageSchema,
  MediaPlaceholderMessageSchema,
]);
export type KnownMessage = z.infer<typeof KnownMessageSchema>;

/**
 * Any message. Known types must match their own schema; unknown types are accepted as they are.
 * For readable error messages on a single message prefer {@link messageSchemaFor}: a union
 * reports the fallback branch's complaint rather than the real problem.
 */
export const WebhookMessageSchema = z.union([KnownMessageSchema, OtherMessageSchema]);
export type WebhookMessage = z.infer<typeof WebhookMessageSchema>;

/** The schema that applies to a message of this `type` (the fallback for unknown types). */
export function messageSchemaFor(type: unknown): z.ZodType<WebhookMessage> {
  if (typeof type === 'string' && Object.hasOwn(MESSAGE_SCHEMAS_BY_TYPE, type)) {
    return MESSAGE_SCHEMAS_BY_TYPE[type as KnownMessageType];
  }
  return OtherMessageSchema;
}

/** `smb_message_echoes`: same shape as a message, `from` = business, `to`/`to_user_id` = customer. */
export const MessageEchoSchema = WebhookMessageSchema;
export type MessageEcho = WebhookMessage;

// ---------------------------------------------------------------------------------------------
// Statuses (value.statuses[])
// ---------------------------------------------------------------------------------------------

export const ConversationSchema = z.looseObject({
  id: z.string().optional(),
  /** Only on `sent`; seen as a string and as a number. */
  expiration_timestamp: TimestampSchema.optional(),
  origin: z.looseObject({ type: z.string().optional() }).optional(),
});

export const PricingSchema = z.looseObject({
  /** Slated for deprecation. */
  billable: z.boolean().optional(),
  /** CBP | PMP */
  pricing_model: z.string().optional(),
  /** regular | free_customer_service | free_entry_point */
  type: z.string().optional(),
  category: z.string().optional(),
});

export const StatusSchema = z.looseObject({
  /** wamid of the business's message. */
  id: z.string(),
  /** sent | delivered | read | played | failed (kept open for new values). */
  status: z.string(),
  timestamp: TimestampSchema,
  /** User phone number, or group id for group sends. */
  recipient_id: z.string().optional(),
  recipient_user_id: z.string().optional(),
  recipient_parent_user_id: z.string().optional(),
  recipient_type: z.string().optional(),
  recipient_participant_id: z.string().optional(),
  /** Misspelling found in some of Meta's group examples. */
  participant_recipient_id: z.string().optional(),
  recipient_participant_user_id: z.string().optional(),
  recipient_participant_parent_user_id: z.string().optional(),
  recipient_identity_key_hash: z.string().optional(),
  biz_opaque_callback_data: z.string().optional(),
  conversation: ConversationSchema.optional(),
  pricing: PricingSchema.optional(),
  errors: z.array(WebhookErrorSchema).optional(),
});
export type Status = z.infer<typeof StatusSchema>;

// ---------------------------------------------------------------------------------------------
// Coexistence: history and state sync
// ---------------------------------------------------------------------------------------------

export const HistoryMetadataSchema = z.looseObject({
  /** 0 = day 0–1, 1 = day 1–90, 2 = day 90–180. */
  phase: z.number(),
  /** Chunks can arrive out of order. */
  chunk_order: z.number(),
  /** 0–100; 100 = done. */
  progress: z.number(),
});
export type HistoryMetadata = z.infer<typeof HistoryMetadataSchema>;

export const HistoryThreadSchema = z.looseObject({
  /** The customer's phone number. Absent for username adopters: then `context.user_id` names the customer. */
  id: z.string().optional(),
  context: z.looseObject({ user_id: z.string().optional(), username: z.string().optional() }).optional(),
  messages: z.array(WebhookMessageSchema),
});
export type HistoryThread = z.infer<typeof HistoryThreadSchema>;

/** A declined sync carries only `errors` (2593109). */
export const HistoryChunkSchema = z.looseObject({
  metadata: HistoryMetadataSchema.optional(),
  threads: z.array(HistoryThreadSchema).optional(),
  errors: z.array(WebhookErrorSchema).optional(),
});
export type HistoryChunk = z.infer<typeof HistoryChunkSchema>;

export const StateSyncContactSchema = z.looseObject({
  /** Names are omitted on `remove`. */
  full_name: z.string().optional(),
  first_name: z.string().optional(),
  phone_number: z.string(),
});

export const StateSyncItemSchema = z.looseObject({
  /** "contact" is the only documented type. */
  type: z.string(),
  contact: StateSyncContactSchema,
  /** add (also edits) | remove */
  action: z.string(),
  metadata: z.looseObject({ timestamp: TimestampSchema }),
});
export type StateSyncItem = z.infer<typeof StateSyncItemSchema>;

// ---------------------------------------------------------------------------------------------
// Change values per field
// ---------------------------------------------------------------------------------------------

const valueBaseShape = {
  messaging_product: z.string().optional(),
  metadata: MetadataSchema,
  contacts: z.array(ValueContactSchema).optional(),
};

export const MessagesValueSchema = z.looseObject({
  ...valueBaseShape,
  messages: z.array(WebhookMessageSchema).optional(),
  statuses: z.array(StatusSchema).optional(),
  /** System/app/account level errors (e.g. 130429 rate limit). */
  errors: z.array(WebhookErrorSchema).optional(),
});
export type MessagesValue = z.infer<typeof MessagesValueSchema>;

export const SmbMessageEchoesValueSchema = z.looseObject({
  ...valueBaseShape,
  message_echoes: z.array(MessageEchoSchema),
});
export type SmbMessageEchoesValue = z.infer<typeof SmbMessageEchoesValueSchema>;

/**
 * Either a backfill (`history[]`) or a media follow-up: `messages[]` (media the customer sent) and
 * `message_echoes[]` (media the business sent, `from` = business, `to`/`to_user_id` = customer).
 */
export const HistoryValueSchema = z.looseObject({
  ...valueBaseShape,
  history: z.array(HistoryChunkSchema).optional(),
  messages: z.array(WebhookMessageSchema).optional(),
  message_echoes: z.array(MessageEchoSchema).optional(),
});
export type HistoryValue = z.infer<typeof HistoryValueSchema>;

export const SmbAppStateSyncValueSchema = z.looseObject({
  ...valueBaseShape,
  state_sync: z.array(StateSyncItemSchema),
});
export type SmbAppStateSyncValue = z.infer<typeof SmbAppStateSyncValueSchema>;

/**
 * `standby` (Meta Business Agent holds the conversation): the customer's `messages[]`, the agent's
 * replies as `message_echoes[]` and their `statuses[]`, in a `standby` object (or a list of them),
 * or directly on the value.
 */
export const StandbyContentSchema = z.looseObject({
  messages: z.array(WebhookMessageSchema).optional(),
  message_echoes: z.array(MessageEchoSchema).optional(),
  statuses: z.array(StatusSchema).optional(),
});
export const StandbyValueSchema = z.looseObject({
  ...valueBaseShape,
  standby: z.union([StandbyContentSchema, z.array(StandbyContentSchema)]).optional(),
  messages: z.array(WebhookMessageSchema).optional(),
  message_echoes: z.array(MessageEchoSchema).optional(),
  statuses: z.array(StatusSchema).optional(),
  /** Control changes between the agent and the app, kept as they are. */
  messaging_handovers: z.array(z.unknown()).optional(),
  errors: z.array(WebhookErrorSchema).optional(),
});
export type StandbyValue = z.infer<typeof StandbyValueSchema>;

/** Calling API: one call event (`calls[]`). */
export const CallSchema = z.looseObject({
  /** The call id (`wacid.…`). */
  id: z.string(),
  /** connect | terminate */
  event: z.string(),
  timestamp: TimestampSchema,
  /** USER_INITIATED | BUSINESS_INITIATED */
  direction: z.string().optional(),
  from: z.string().optional(),
  from_user_id: z.string().optional(),
  to: z.string().optional(),
  to_user_id: z.string().optional(),
  /** terminate: COMPLETED | FAILED (case varies between samples). */
  status: z.string().optional(),
  start_time: TimestampSchema.optional(),
  end_time: TimestampSchema.optional(),
  /** Seconds. */
  duration: z.union([z.number().nonnegative(), z.string().regex(/^\d+$/)]).optional(),
  /** connect: the SDP offer or answer. */
  session: z.looseObject({ sdp_type: z.string().optional(), sdp: z.string().optional() }).optional(),
  biz_opaque_callback_data: z.string().optional(),
  errors: z.array(WebhookErrorSchema).optional(),
});
export type Call = z.infer<typeof CallSchema>;

/** Business-initiated calls: RINGING, ACCEPTED, REJECTED… in `statuses[]` with `type: "call"`. */
export const CallStatusSchema = z.looseObject({
  /** The call id. */
  id: z.string(),
  type: z.literal('call'),
  status: z.string(),
  timestamp: TimestampSchema,
  recipient_id: z.string().optional(),
  recipient_user_id: z.string().optional(),
  biz_opaque_callback_data: z.string().optional(),
  errors: z.array(WebhookErrorSchema).optional(),
});

export const CallsValueSchema = z.looseObject({
  ...valueBaseShape,
  calls: z.array(CallSchema).optional(),
  statuses: z.array(z.union([CallStatusSchema, StatusSchema])).optional(),
  errors: z.array(WebhookErrorSchema).optional(),
});
export type CallsValue = z.infer<typeof CallsValueSchema>;

// ---------------------------------------------------------------------------------------------
// Changes and envelope
// ---------------------------------------------------------------------------------------------

export const MessagesChangeSchema = z.looseObject({ field: z.literal('messages'), value: MessagesValueSchema });
export const SmbMessageEchoesChangeSchema = z.looseObject({
  field: z.literal('smb_message_echoes'),
  value: SmbMessageEchoesValueSchema,
});
export const HistoryChangeSchema = z.looseObject({ field: z.literal('history'), value: HistoryValueSchema });
export const SmbAppStateSyncChangeSchema = z.looseObject({
  field: z.literal('smb_app_state_sync'),
  value: SmbAppStateSyncValueSchema,
});
export const StandbyChangeSchema = z.looseObject({ field: z.literal('standby'), value: StandbyValueSchema });
export const CallsChangeSchema = z.looseObject({ field: z.literal('calls'), value: CallsValueSchema });

export const KNOWN_FIELDS: ReadonlySet<string> = new Set([
  'messages',
  'smb_message_echoes',
  'history',
  'smb_app_state_sync',
  'standby',
  'calls',
]);

/** user_preferences, messaging_handovers, account_update, template updates…: passed through untouched. */
export const OtherChangeSchema = z.looseObject({
  field: z.string().refine((f) => !KNOWN_FIELDS.has(f), { message: 'a known field must match its own schema' }),
  value: z.unknown(),
});

export const WebhookChangeSchema = z.union([
  z.discriminatedUnion('field', [
    MessagesChangeSchema,
    SmbMessageEchoesChangeSchema,
    HistoryChangeSchema,
    SmbAppStateSyncChangeSchema,
    StandbyChangeSchema,
    CallsChangeSchema,
  ]),
  OtherChangeSchema,
]);
export type WebhookChange = z.infer<typeof WebhookChangeSchema>;

/**
 * The envelope only: exactly what `checkEnvelope` guarantees. `value` and `entry[].id` (the
 * WhatsApp Business Account id) are not inspected: they stay `unknown` until normalization.
 */
export const WebhookEnvelopeSchema = z.looseObject({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(
    z.looseObject({
      changes: z.array(z.looseObject({ field: z.string(), value: z.unknown() })),
    }),
  ),
});
export type WebhookEnvelope = z.infer<typeof WebhookEnvelopeSchema>;

/** The whole notification, validated down to every message and status. */
export const WebhookNotificationSchema = z.looseObject({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(
    z.looseObject({
      /** WhatsApp Business Account id, NOT the phone number id. */
      id: z.string(),
      time: z.number().optional(),
      changes: z.array(WebhookChangeSchema),
    }),
  ),
});
export type WebhookNotification = z.infer<typeof WebhookNotificationSchema>;
