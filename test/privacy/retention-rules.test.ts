import { describe, expect, it } from 'vitest';
import { parseVigiaConfig, ConfigFileError } from '../../shared/config/vigia-config';
import type { MessageRecord, StatusRecord } from '../../shared/capture/records';
import { isErased } from '../../shared/privacy/erasure';
import { expiresAtFor, recordExpiry, type LegalHold } from '../../shared/privacy/retention';

const message = (overrides: Partial<MessageRecord> = {}): MessageRecord => ({
  kind: 'message',
  id: 'wamid.1',
  lineId: '106540352242922',
  contactId: '5511900000001',
  direction: 'inbound',
  source: 'cloud_api',
  type: 'text',
  timestamp: '2026-11-20T10:00:00.000Z',
  payload: {},
  ...overrides,
});

describe('retention config', () => {
  it('accepts days, basis and minimumDays', () => {
    const config = parseVigiaConfig('retention: { days: 1825, basis: "legal obligation: CLT art. 11", minimumDays: 365 }', 'test.yaml');
    expect(config.retention).toEqual({ days: 1825, basis: 'legal obligation: CLT art. 11', minimumDays: 365 });
    expect(parseVigiaConfig('lines: []', 'test.yaml').retention).toBeUndefined();
  });

  it.each([
    ['retention: { days: 0 }', 'test.yaml: retention.days: must be greater than 0'],
    ['retention: { days: 1.5 }', 'test.yaml: retention.days: must be a whole number, got 1.5'],
    ['retention: { days: 30, minimumDays: 10 }', 'test.yaml: retention.basis: minimumDays needs a basis'],
    ['retention: { days: 30, basis: "x", minimumDays: 60 }', 'test.yaml: retention.minimumDays: minimumDays cannot be more than days'],
  ])('rejects %s with a clear message', (yaml, message) => {
    expect(() => parseVigiaConfig(yaml, 'test.yaml')).toThrow(ConfigFileError);
    expect(() => parseVigiaConfig(yaml, 'test.yaml')).toThrow(message);
  });
});

describe('record expiry', () => {
  it('is the record time plus retention.days, in epoch seconds; held records get heldExpiresAt instead', () => {
    const at = Date.parse('2026-11-20T10:00:00Z') / 1000 + 30 * 86_400;
    expect(expiresAtFor('2026-11-20T10:00:00.000Z', 30)).toBe(at);
    expect(recordExpiry(30, [], undefined)(message())).toEqual({ expiresAt: at });
    const hold: LegalHold = { id: 'line:106540352242922', scope: 'line', lineId: '106540352242922', reason: 'case 1', by: 'legal', at: '2026-11-21T00:00:00Z' };
    expect(recordExpiry(30, [hold], undefined)(message())).toEqual({ heldExpiresAt: at });
    expect(recordExpiry(undefined, [hold], undefined)(message())).toEqual({});
  });
});

describe('erasure tombstones in the projection', () => {
  const tombstones = new Map([['5511900000001', '2026-11-25T00:00:00.000Z']]);
  it('skips the erased contact’s records up to the erasure, and later ones about erased messages', () => {
    expect(isErased(message(), tombstones, new Set())).toBe(true);
    expect(isErased(message({ contactId: '5511900000002' }), tombstones, new Set())).toBe(false);
    expect(isErased(message({ id: 'wamid.new', timestamp: '2026-11-26T00:00:00.000Z' }), tombstones, new Set())).toBe(false);
    const lateReceipt: StatusRecord = { kind: 'status', messageId: 'wamid.1', lineId: '106540352242922', status: 'read', timestamp: '2026-11-26T00:00:00.000Z', recipientId: '5511900000001', payload: {} };
    expect(isErased(lateReceipt, tombstones, new Set(['wamid.1']))).toBe(true);
    expect(isErased(lateReceipt, tombstones, new Set())).toBe(false);
  });
});
