/**
 * The human form of every listing: a header row, aligned columns, the last one left free (a text,
 * an excerpt); an empty listing is one line saying so. `--json` prints none of this: its empty
 * listing stays empty, which scripts rely on.
 */
export function printTable(header: string[], rows: string[][], empty: string, out: (line: string) => void): void {
  if (rows.length === 0) {
    out(empty);
    return;
  }
  const table = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...table.map((cells) => cells[column].length)));
  for (const cells of table) out(cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]))).join('  ').trimEnd());
}
