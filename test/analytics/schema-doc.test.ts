import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXPORT_SCHEMA_VERSION, EXPORT_TABLE_NAMES, EXPORT_TABLES } from '../../shared/analytics/export-schema';
import { SCHEMA_BEGIN, SCHEMA_DOC_FILE, SCHEMA_END, withCurrentSchema } from '../../shared/analytics/schema-doc';

const doc = readFileSync(SCHEMA_DOC_FILE, 'utf8');

describe('docs/analytics.md', () => {
  it('shows the current export schema (regenerate with `npx tsx shared/analytics/schema-doc.ts`)', () => {
    expect(doc, 'docs/analytics.md is out of date: run `npx tsx shared/analytics/schema-doc.ts`').toBe(withCurrentSchema(doc));
  });

  it('lists every column of every table, with its type, under the table’s heading', () => {
    const section = doc.slice(doc.indexOf(SCHEMA_BEGIN), doc.indexOf(SCHEMA_END));
    expect(section).toContain(`Schema version ${EXPORT_SCHEMA_VERSION}.`);
    for (const table of EXPORT_TABLE_NAMES) {
      const start = section.indexOf(`### \`${table}\``);
      expect(start, table).toBeGreaterThan(-1);
      const next = EXPORT_TABLE_NAMES.map((other) => section.indexOf(`### \`${other}\``)).filter((index) => index > start);
      const tableSection = section.slice(start, next.length > 0 ? Math.min(...next) : undefined);
      for (const column of EXPORT_TABLES[table].columns) {
        expect(tableSection, `${table}.${column.name}`).toMatch(new RegExp(`^\\| \`${column.name}\` \\| ${column.type}( \\(never NULL\\))? \\|`, 'm'));
      }
    }
  });

  it('documents the layout, the watermark and the settings', () => {
    for (const text of ['exports/messages/dt=2026-11-27/data.parquet', 'state/export-watermark.json', 'athena-results/', 'includeText', 'scheduleHours', 'lookbackDays', 'firstDay', 'hive_partitioning = true']) {
      expect(doc).toContain(text);
    }
  });
});
