import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderSchemaMarkdown } from './export-schema';

/**
 * docs/analytics.md shows the export schema between these markers, rendered from EXPORT_TABLES.
 * test/analytics/schema-doc.test.ts fails when it is out of date; rewrite it with
 * `npx tsx shared/analytics/schema-doc.ts`.
 */
export const SCHEMA_DOC_FILE = fileURLToPath(new URL('../../docs/analytics.md', import.meta.url));
export const SCHEMA_BEGIN = '<!-- export-schema:begin (generated from shared/analytics/export-schema.ts: npx tsx shared/analytics/schema-doc.ts) -->';
export const SCHEMA_END = '<!-- export-schema:end -->';

/** The document with its schema section replaced by the current rendering. */
export function withCurrentSchema(document: string): string {
  const begin = document.indexOf(SCHEMA_BEGIN);
  const end = document.indexOf(SCHEMA_END);
  if (begin < 0 || end < begin) throw new Error(`the document has no ${SCHEMA_BEGIN} … ${SCHEMA_END} section`);
  return `${document.slice(0, begin + SCHEMA_BEGIN.length)}\n\n${renderSchemaMarkdown()}\n\n${document.slice(end)}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SCHEMA_DOC_FILE, withCurrentSchema(readFileSync(SCHEMA_DOC_FILE, 'utf8')));
  console.log(`updated ${SCHEMA_DOC_FILE}`);
}
