import { describe, expect, it } from 'vitest';
import { keyPattern } from '../../bench/scale';
import { alertId } from '../../shared/compliance/alerts';
import { ALERT_STATUS_SHARDS, alertStatusPartition, alertStatusPartitions, dayPartition, INDEX_SHARDS, shardedForm, shardOf } from '../../shared/resources/index-shards';

/* The shard functions of the write-sharded indexes (issue 19): stable, spread, and one scheme for writers, readers and the backfill. */
describe('index shards', () => {
  const alertIds = Array.from({ length: 4000 }, (_, n) => alertId(`wamid.spread-${n}`, ['confidential-terms', 'no-spreadsheets', 'angry-conversation'][n % 3]!));

  it('spreads alert ids evenly over the alert-status shards', () => {
    const perShard = new Array<number>(ALERT_STATUS_SHARDS).fill(0);
    for (const id of alertIds) perShard[shardOf(id, ALERT_STATUS_SHARDS)]! += 1;
    const mean = alertIds.length / ALERT_STATUS_SHARDS;
    // 500 a shard on average: every shard within 15 % of it (a binomial's spread is about 4.4 %).
    for (const count of perShard) expect(Math.abs(count - mean) / mean).toBeLessThan(0.15);
  });

  it('spreads message ids evenly over the day shards', () => {
    const perShard = new Array<number>(INDEX_SHARDS).fill(0);
    for (let n = 0; n < 8000; n += 1) perShard[shardOf(`wamid.HBgLNTUxMTk4${String(n).padStart(8, '0')}`)]! += 1;
    for (const count of perShard) expect(Math.abs(count - 500) / 500).toBeLessThan(0.2);
  });

  it('is stable (FNV-1a), and an alert keeps its shard when its status changes', () => {
    expect(shardOf('')).toBe(0x811c9dc5 % INDEX_SHARDS);
    expect(shardOf('al_00')).toBe(shardOf('al_00'));
    for (const id of alertIds.slice(0, 50)) {
      const [open, resolved] = [alertStatusPartition('open', id), alertStatusPartition('resolved', id)];
      expect(open).toMatch(/^ALERT_STATUS#open#\d{2}$/);
      expect(Number(open.slice(-2))).toBeLessThan(ALERT_STATUS_SHARDS);
      expect(resolved.slice(-2)).toBe(open.slice(-2));
      expect(alertStatusPartitions('open')).toContain(open);
    }
    expect(dayPartition('2026-12-03', 'wamid.1')).toMatch(/^DAY#2026-12-03#\d{2}$/);
  });

  it('reads every shard and the key from before sharding', () => {
    expect(alertStatusPartitions('open')).toEqual(['ALERT_STATUS#open', ...Array.from({ length: ALERT_STATUS_SHARDS }, (_, n) => `ALERT_STATUS#open#${String(n).padStart(2, '0')}`)]);
  });

  it('gives the backfill the writers’ sharded form of a bare key, and leaves sharded keys alone', () => {
    const id = alertIds[7]!;
    expect(shardedForm('ALERT_STATUS#acknowledged', id)).toBe(alertStatusPartition('acknowledged', id));
    expect(shardedForm(alertStatusPartition('acknowledged', id), id)).toBeUndefined();
    expect(shardedForm('DAY#2026-12-03', 'wamid.1')).toBe(dayPartition('2026-12-03', 'wamid.1'));
    expect(shardedForm('MSG#wamid.1', 'wamid.1')).toBeUndefined();
  });

  it('is seen by the capacity model as a sharded global key', () => {
    expect(keyPattern('ALERT_STATUS#open#05')).toEqual({ pattern: 'ALERT_STATUS#open#<shard>', group: 'ALERT_STATUS#open#05', kind: 'global' });
  });
});
