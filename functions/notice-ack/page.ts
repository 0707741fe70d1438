import type { HttpResult } from '../../shared/platform/http-responses';
import { escapeHtml } from '../../shared/privacy/employee-notice';
import type { AckAnswer } from '../../shared/privacy/acknowledge-notice';

/**
 * The page is self-contained (no script, font, image or outside URL) and sends no Referer: the
 * token is in the page's URL, and the policy link must not carry it to another site.
 */
const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
};

/** HTML for a browser; `{ error, message }` (or the acknowledgement) as JSON when the client asks for JSON. */
export function renderAckAnswer(answer: AckAnswer, wantsJson: boolean): HttpResult {
  if (wantsJson) {
    const body = answer.error
      ? { error: answer.error, message: answer.message }
      : answer.acknowledged
        ? { status: 'acknowledged', ...answer.acknowledged, message: answer.message }
        : { status: 'pending', lineId: answer.confirm!.lineId, employee: answer.confirm!.employee, policyVersion: answer.confirm!.policyVersion, message: answer.message };
    return { statusCode: answer.statusCode, headers: { ...SECURITY_HEADERS, 'content-type': 'application/json' }, body: JSON.stringify(body) };
  }
  const confirm = answer.confirm;
  const form = confirm
    ? [
        confirm.policyUrl ? `<p><a href="${escapeHtml(confirm.policyUrl)}" target="_blank" rel="noreferrer noopener">Read the usage policy (version ${escapeHtml(confirm.policyVersion)})</a></p>` : '',
        confirm.policyText ? `<blockquote style="white-space: pre-wrap">${escapeHtml(confirm.policyText)}</blockquote>` : '',
        // Relative action: the same /notice/ack path, whatever host or stage serves it.
        `<form method="post" action="ack"><input type="hidden" name="token" value="${escapeHtml(confirm.token)}"><button type="submit">I have read and understood the usage policy version ${escapeHtml(confirm.policyVersion)}</button></form>`,
      ].join('\n')
    : '';
  const body = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(answer.title)}</title>`,
    '<style>body{font-family:sans-serif;max-width:40em;margin:2em auto;padding:0 1em}button{font-size:1em;padding:.6em 1em}</style>',
    '</head><body>',
    `<h1>${escapeHtml(answer.title)}</h1>`,
    `<p${answer.error ? ` data-error="${escapeHtml(answer.error)}"` : ''}>${escapeHtml(answer.message)}</p>`,
    form,
    '</body></html>',
  ].join('\n');
  return { statusCode: answer.statusCode, headers: { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8' }, body };
}
