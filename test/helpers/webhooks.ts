/** Webhook bodies for tests, on the sample config's first line, written in our own words and values. */

export const SAMPLE_LINE = '106540352242922';
export const SAMPLE_DISPLAY = '5511940000001';

/** A signed-to-be WhatsApp envelope with one change of `field` on the line. */
export function lineWebhook(field: string, value: Record<string, unknown>, line = { id: SAMPLE_LINE, display: SAMPLE_DISPLAY }): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: 'waba-1', changes: [{ field, value: { messaging_product: 'whatsapp', metadata: { display_phone_number: line.display, phone_number_id: line.id }, ...value } }] }],
  });
}

/** Times relative to when the test file was loaded: Unix seconds as WhatsApp sends them, and ISO. */
export function clockFrom(nowSeconds = Math.floor(Date.now() / 1000)) {
  return {
    ago: (seconds: number) => String(nowSeconds - seconds),
    isoAgo: (seconds: number) => new Date((nowSeconds - seconds) * 1000).toISOString(),
  };
}
