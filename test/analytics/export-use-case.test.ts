import { describe, expect, it } from 'vitest';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { EXPORT_WATERMARK_KEY, exportAnalytics, runExport, daysBetween, addDays, type ExportWatermark } from '../../shared/analytics/export';
import { EXPORT_SCHEMA_VERSION } from '../../shared/analytics/export-schema';
import { parseVigiaConfig } from '../../shared/config/vigia-config';
import type { AnalyticsSource, AnalyticsStore, ArchiveItem } from '../../shared/analytics/ports/analytics';

/** The use case over in-memory ports: which days, what is written and deleted, the watermark. */

const config = parseVigiaConfig('lines:\n  - { phoneNumberId: "111111", employee: Ana, team: ventas }\nteams:\n  - { id: ventas, managers: [{ name: Carla, email: c@example.com }] }\n', 'test.yaml');

class MemorySource implements AnalyticsSource {
  calls: string[] = [];
  constructor(
    readonly messages: ArchiveItem[] = [],
    readonly statuses: ArchiveItem[] = [],
    readonly alerts: ArchiveItem[] = [],
    readonly media: ArchiveItem[] = [],
  ) {}
  async messagesOfDay(day: string) {
    this.calls.push(`messages ${day}`);
    return this.messages.filter((item) => item.timestamp.startsWith(day));
  }
  async statusesOf(messageId: string) {
    return this.statuses.filter((item) => item.messageId === messageId);
  }
  async alertsOfDay(day: string) {
    return this.alerts.filter((item) => item.createdAt.startsWith(day));
  }
  async mediaOfDay(day: string) {
    return this.media.filter((item) => item.createdAt.startsWith(day));
  }
  async earliestDay() {
    this.calls.push('earliestDay');
    const days = [...this.messages.map((item) => item.timestamp), ...this.alerts.map((item) => item.createdAt)].map((time: string) => time.slice(0, 10)).sort();
    return days[0];
  }
}

class MemoryStore implements AnalyticsStore {
  objects = new Map<string, Uint8Array>();
  deletes: string[] = [];
  async put(key: string, body: Uint8Array) {
    this.objects.set(key, body);
  }
  async delete(key: string) {
    this.deletes.push(key);
    this.objects.delete(key);
  }
  async readJson<T>(key: string) {
    const body = this.objects.get(key);
    return body ? (JSON.parse(Buffer.from(body).toString('utf8')) as T) : undefined;
  }
  async writeJson(key: string, value: unknown) {
    this.objects.set(key, Buffer.from(JSON.stringify(value)));
  }
}

const message = (id: string, timestamp: string, extra: ArchiveItem = {}): ArchiveItem => ({
  pk: `MSG#${id}`,
  sk: 'MSG',
  id,
  lineId: '111111',
  direction: 'outbound',
  source: 'business_app',
  type: 'text',
  timestamp,
  text: 'olá',
  contentHash: 'h',
  ...extra,
});

async function rowsOf(store: MemoryStore, key: string): Promise<Record<string, unknown>[]> {
  const bytes = store.objects.get(key)!;
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return parquetReadObjects({ file, metadata: parquetMetadata(file) });
}

describe('exportAnalytics', () => {
  it('writes one file per table-day with rows, and deletes the file of a table-day without', async () => {
    const source = new MemorySource(
      [message('m1', '2026-11-01T10:00:00.000Z', { latestStatus: 'read', alertIds: new Set(['a1']) }), message('m2', '2026-11-01T09:00:00.000Z')],
      [{ messageId: 'm1', lineId: '111111', status: 'read', timestamp: '2026-11-01T10:05:00.000Z', errors: [{ code: 131047, title: 'Re-engagement' }] }],
      [{ id: 'a1', messageId: 'm1', lineId: '111111', createdAt: '2026-11-02T08:00:00.000Z', status: 'resolved', history: [{ status: 'open', at: '2026-11-02T08:00:00.000Z' }, { status: 'resolved', at: '2026-11-03T08:00:00.000Z' }] }],
    );
    const store = new MemoryStore();
    const summary = await exportAnalytics({ source, store, config }, { days: ['2026-11-02', '2026-11-01'] });

    expect(summary.days).toEqual(['2026-11-01', '2026-11-02']);
    expect(summary.tables).toEqual({
      messages: { rows: 2, files: 1, skipped: 0 },
      statuses: { rows: 1, files: 1, skipped: 0 },
      alerts: { rows: 1, files: 1, skipped: 0 },
      media: { rows: 0, files: 0, skipped: 0 },
    });
    expect([...store.objects.keys()].sort()).toEqual([
      'exports/alerts/dt=2026-11-02/data.parquet',
      'exports/messages/dt=2026-11-01/data.parquet',
      'exports/statuses/dt=2026-11-01/data.parquet',
    ]);
    expect(store.deletes.sort()).toEqual([
      'exports/alerts/dt=2026-11-01/data.parquet',
      'exports/media/dt=2026-11-01/data.parquet',
      'exports/media/dt=2026-11-02/data.parquet',
      'exports/messages/dt=2026-11-02/data.parquet',
      'exports/statuses/dt=2026-11-02/data.parquet',
    ]);

    const messages = await rowsOf(store, 'exports/messages/dt=2026-11-01/data.parquet');
    expect(messages.map((row) => [row.message_id, row.employee, row.team, row.text, row.text_length, row.alert_count])).toEqual([
      ['m2', 'Ana', 'ventas', null, 3, 0],
      ['m1', 'Ana', 'ventas', null, 3, 1],
    ]);
    const [status] = await rowsOf(store, 'exports/statuses/dt=2026-11-01/data.parquet');
    expect(status).toMatchObject({ message_id: 'm1', status: 'read', error_code: 131047, error_title: 'Re-engagement' });
    const [alert] = await rowsOf(store, 'exports/alerts/dt=2026-11-02/data.parquet');
    expect(alert).toMatchObject({ alert_id: 'a1', acknowledged_at: null, resolved_at: new Date('2026-11-03T08:00:00.000Z') });
  });

  it('gives the same bytes for the same day (idempotent, order-independent)', async () => {
    const items = [message('m1', '2026-11-01T10:00:00.000Z'), message('m2', '2026-11-01T09:00:00.000Z')];
    const [a, b] = [new MemoryStore(), new MemoryStore()];
    await exportAnalytics({ source: new MemorySource(items), store: a, config }, { days: ['2026-11-01'] });
    await exportAnalytics({ source: new MemorySource([...items].reverse()), store: b, config }, { days: ['2026-11-01'] });
    expect(Buffer.from(a.objects.get('exports/messages/dt=2026-11-01/data.parquet')!)).toEqual(Buffer.from(b.objects.get('exports/messages/dt=2026-11-01/data.parquet')!));
  });

  it('exports the text only with analytics.includeText, and skips items without ids', async () => {
    const store = new MemoryStore();
    const withText = { ...config, analytics: { ...config.analytics, includeText: true } };
    const summary = await exportAnalytics({ source: new MemorySource([message('m1', '2026-11-01T10:00:00.000Z'), message('', '2026-11-01T11:00:00.000Z')]), store, config: withText }, { days: ['2026-11-01'] });
    expect(summary.tables.messages).toEqual({ rows: 1, files: 1, skipped: 1 });
    expect((await rowsOf(store, 'exports/messages/dt=2026-11-01/data.parquet'))[0]!.text).toBe('olá');
  });

  it('rejects what is not a day', async () => {
    await expect(exportAnalytics({ source: new MemorySource(), store: new MemoryStore(), config }, { days: ['2026-02-30'] })).rejects.toThrow('not a day (YYYY-MM-DD): "2026-02-30"');
  });
});

describe('runExport: which days', () => {
  const now = () => new Date('2026-11-28T15:00:00Z');
  const watermark = (store: MemoryStore) => store.readJson<ExportWatermark>(EXPORT_WATERMARK_KEY);

  it('first run: from the earliest day in the archive to today, then a watermark', async () => {
    const store = new MemoryStore();
    const result = await runExport({ source: new MemorySource([message('m1', '2026-11-20T10:00:00.000Z')]), store, config, now });
    expect(result).toMatchObject({ mode: 'full', watermarkUpdated: true, days: daysBetween('2026-11-20', '2026-11-28') });
    expect(await watermark(store)).toEqual({ schemaVersion: EXPORT_SCHEMA_VERSION, exportedAt: '2026-11-28T15:00:00.000Z', firstDay: '2026-11-20', lastDay: '2026-11-28' });
  });

  it('an empty archive exports nothing', async () => {
    const result = await runExport({ source: new MemorySource(), store: new MemoryStore(), config, now });
    expect(result).toMatchObject({ mode: 'full', days: [] });
  });

  it('later runs: from lookbackDays before the previous run’s day', async () => {
    const store = new MemoryStore();
    await store.writeJson(EXPORT_WATERMARK_KEY, { schemaVersion: EXPORT_SCHEMA_VERSION, exportedAt: '2026-11-27T23:00:00.000Z', firstDay: null, lastDay: null });
    const source = new MemorySource();
    const result = await runExport({ source, store, config, now });
    expect(result).toMatchObject({ mode: 'incremental', days: ['2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28'] });
    expect(source.calls).not.toContain('earliestDay');
    expect((await watermark(store))!.exportedAt).toBe('2026-11-28T15:00:00.000Z');
  });

  it('a watermark of another schema version means everything again', async () => {
    const store = new MemoryStore();
    await store.writeJson(EXPORT_WATERMARK_KEY, { schemaVersion: EXPORT_SCHEMA_VERSION - 1, exportedAt: '2026-11-27T23:00:00.000Z' });
    const result = await runExport({ source: new MemorySource([message('m1', '2026-10-01T10:00:00.000Z')]), store, config, now });
    expect(result.mode).toBe('full');
    expect(result.days[0]).toBe('2026-10-01');
  });

  it('--since: every day since; the watermark moves only when that covers what the schedule would have', async () => {
    const store = new MemoryStore();
    await store.writeJson(EXPORT_WATERMARK_KEY, { schemaVersion: EXPORT_SCHEMA_VERSION, exportedAt: '2026-11-20T10:00:00.000Z' });
    const late = await runExport({ source: new MemorySource(), store, config, now }, { since: '2026-11-27' });
    expect(late).toMatchObject({ mode: 'since', days: ['2026-11-27', '2026-11-28'], watermarkUpdated: false });
    expect((await watermark(store))!.exportedAt).toBe('2026-11-20T10:00:00.000Z');

    const early = await runExport({ source: new MemorySource(), store, config, now }, { since: addDays('2026-11-20', -2) });
    expect(early).toMatchObject({ mode: 'since', watermarkUpdated: true });
    expect(early.days[0]).toBe('2026-11-18');
    expect((await watermark(store))!.exportedAt).toBe('2026-11-28T15:00:00.000Z');
  });
});

describe('the analytics section of vigia.config.yaml', () => {
  it('defaults to no text, hourly, two days of lookback, projection from 2022', () => {
    expect(parseVigiaConfig('lines: []\n', 'test.yaml').analytics).toEqual({ includeText: false, scheduleHours: 1, lookbackDays: 2, firstDay: '2022-01-01' });
  });

  it('reports every bad setting with its path', () => {
    expect(() => parseVigiaConfig('analytics: { includeText: yes, scheduleHours: 0, lookbackDays: 40, firstDay: "2024-02-30", extra: 1 }\n', 'x.yaml')).toThrow(
      [
        'x.yaml: analytics.includeText: must be true or false, got "yes"',
        'x.yaml: analytics.scheduleHours: must be between 1 and 24',
        'x.yaml: analytics.lookbackDays: must be between 0 and 31',
        'x.yaml: analytics.firstDay: is not a calendar day: "2024-02-30"',
        'x.yaml: analytics.extra: unknown field',
      ].join('\n'),
    );
  });
});
