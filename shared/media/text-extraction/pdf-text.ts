import type { ExtractionLimits, TextOutput } from './limits';
import { type Deadline, NotScannedError } from './limits';

/**
 * The text layer of a PDF, page by page, with pdf.js (unpdf's serverless build: pure JS, the worker
 * inlined, no canvas). Images are not looked at: a scanned document has no text to give.
 */
export async function extractPdfText(bytes: Uint8Array, limits: ExtractionLimits, output: TextOutput, deadline: Deadline): Promise<void> {
  // Loaded on the first PDF only: pdf.js is most of this module's size.
  const { getResolvedPDFJS } = await import('unpdf');
  const { getDocument } = await getResolvedPDFJS();
  const loadingTask = getDocument({
    // A copy: pdf.js may take ownership of its buffer, and refuses a Node Buffer.
    data: new Uint8Array(bytes),
    disableFontFace: true,
    useSystemFonts: false,
    useWorkerFetch: false,
    isOffscreenCanvasSupported: false,
    isImageDecoderSupported: false,
    enableXfa: false,
    stopAtErrors: false,
    // Errors only: pdf.js warns on the console about every odd font.
    verbosity: 0,
  });
  try {
    const document = await withinBudget(loadingTask.promise, deadline);
    const pages = Math.min(document.numPages, limits.maxPdfPages);
    let visibleChars = 0;
    for (let number = 1; number <= pages && !output.full; number++) {
      const page = await withinBudget(document.getPage(number), deadline);
      const content = await withinBudget(page.getTextContent(), deadline);
      for (const item of content.items) {
        if (!('str' in item)) continue;
        output.append(item.str);
        if (item.hasEOL) output.append('\n');
        visibleChars += item.str.trim().length;
      }
      output.append('\n');
      page.cleanup();
    }
    if (visibleChars === 0 && !output.full) throw new NotScannedError('not scanned: the PDF has no text layer (a scanned document?)');
    if (document.numPages > pages) output.markTruncated();
  } catch (error) {
    throw asNotScanned(error);
  } finally {
    await loadingTask.destroy();
  }
}

/** pdf.js works asynchronously: a page that takes too long is abandoned at the deadline. */
async function withinBudget<T>(work: Promise<T>, deadline: Deadline): Promise<T> {
  deadline.check();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(deadline.exceeded()), deadline.remainingMs());
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function asNotScanned(error: unknown): NotScannedError {
  if (error instanceof NotScannedError) return error;
  const name = (error as { name?: string } | undefined)?.name;
  if (name === 'PasswordException') return new NotScannedError('not scanned: the PDF is password-protected');
  const message = error instanceof Error ? error.message : String(error);
  return new NotScannedError(`not scanned: the PDF could not be read (${message})`);
}
