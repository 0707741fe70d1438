/**
 * The console page's security headers: the local stack's static server (local/console-static.ts)
 * sends them, and CloudFront's response-headers policy on AWS uses the same values.
 *
 * The page has no inline script or style (console/build.ts writes only external, hashed files), so
 * the policy needs neither 'unsafe-inline' nor hashes. Media links are short-lived presigned S3
 * URLs shown as images: `img-src` allows S3 (`https://*.amazonaws.com` on AWS, the local s3rver's
 * origin locally). The ID token comes from Cognito's token endpoint (`connect-src`).
 */

/** The origins images may come from on AWS: the archive bucket's presigned URLs. */
export const AWS_MEDIA_ORIGINS = ['https://*.amazonaws.com'] as const;

/** The Content-Security-Policy, with the origins media images are served from. */
export function consoleCsp(mediaOrigins: readonly string[] = AWS_MEDIA_ORIGINS): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src ${["'self'", 'data:', ...mediaOrigins].join(' ')}`,
    "connect-src 'self' https://*.amazoncognito.com",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The policy on AWS (CloudFront's response-headers policy). */
export const CONSOLE_CSP = consoleCsp();

/** Two years, every subdomain (CloudFront: `strictTransportSecurity` with these values). */
export const STRICT_TRANSPORT_SECURITY = 'max-age=63072000; includeSubDomains';
export const STRICT_TRANSPORT_SECURITY_SECONDS = 63_072_000;
export const CONTENT_TYPE_OPTIONS = 'nosniff';
export const REFERRER_POLICY = 'no-referrer';
/** For browsers without CSP `frame-ancestors` (the CSP says the same). */
export const FRAME_OPTIONS = 'DENY';

/** Every security header of the console's responses, by (lowercase) header name. */
export function consoleSecurityHeaders(mediaOrigins: readonly string[] = AWS_MEDIA_ORIGINS): Record<string, string> {
  return {
    'content-security-policy': consoleCsp(mediaOrigins),
    'strict-transport-security': STRICT_TRANSPORT_SECURITY,
    'x-content-type-options': CONTENT_TYPE_OPTIONS,
    'referrer-policy': REFERRER_POLICY,
    'x-frame-options': FRAME_OPTIONS,
  };
}
