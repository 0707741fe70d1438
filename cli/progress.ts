/** A progress bar on stderr when it is a terminal; silent otherwise (CI, pipes). */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr) {
  const interactive = Boolean(stream.isTTY);
  let last = 0;
  return {
    update(done: number, total: number) {
      const now = Date.now();
      if (!interactive || (now - last < 100 && done < total)) return;
      last = now;
      const width = 30;
      const ratio = total === 0 ? 1 : done / total;
      const filled = Math.round(ratio * width);
      stream.write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.floor(ratio * 100)}% ${done}/${total}`);
    },
    finish() {
      if (interactive) stream.write('\n');
    },
  };
}
