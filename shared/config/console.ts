import * as z from 'zod';
import { email, text } from './fields';

/** `console`: the manager console — who besides the teams' managers signs in, and in which language people are written to. */

/** The languages the console, the alert e-mails and the SMS are written in. */
export const ConsoleLanguageSchema = z.enum(['pt', 'es', 'en']);

export const OfficerSchema = z.strictObject({
  name: text,
  /** Signs in with it (the Cognito user's e-mail; locally, with the dev password). */
  email,
  /** @default console.defaultLanguage */
  language: ConsoleLanguageSchema.optional(),
});

export const ConsoleSettingsSchema = z.strictObject({
  /** Compliance officers: every team's alerts and conversations, the audit log, holds. */
  officers: z.array(OfficerSchema).default([]),
  /** The language of people with no `language` of their own. @default pt */
  defaultLanguage: ConsoleLanguageSchema.default('pt'),
  /**
   * The console's public URL (a custom domain in front of the CloudFront distribution), used in the
   * links of alert e-mails and SMS. @default - the distribution's own domain on AWS, the local stack's URL locally
   */
  url: z.url({ protocol: /^https?$/, error: (issue) => `must be an http(s) URL, got ${JSON.stringify(issue.input)}` }).optional(),
  /**
   * ACM certificate for `url`'s domain, in us-east-1 (CloudFront's region): the distribution then
   * answers on that domain with TLS 1.2 at least. Point the domain (CNAME or alias) at the
   * distribution's domain. @default - the distribution's own `*.cloudfront.net` certificate
   */
  certificateArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/, 'must be the ARN of an ACM certificate in us-east-1')
    .optional(),
  /**
   * A WAF web ACL (scope CLOUDFRONT, created in us-east-1) attached to the console's distribution,
   * by its ARN. @default - none
   */
  webAclArn: z.string().regex(/^arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global\/webacl\/.+$/, 'must be the ARN of a CLOUDFRONT web ACL (us-east-1)').optional(),
  /**
   * Cognito threat protection (compromised credentials, adaptive authentication) on the user pool,
   * enforced. It needs the Plus feature plan, billed per monthly active user. @default false
   */
  threatProtection: z.boolean().optional(),
  /**
   * Federation with the company's identity provider (SAML or OIDC) on the Cognito user pool, beside
   * e-mail and password. @default - none
   */
  identityProvider: z
    .discriminatedUnion('type', [
      z.strictObject({ type: z.literal('saml'), name: z.string().regex(/^[\w.-]{1,32}$/), metadataUrl: z.url() }),
      z.strictObject({ type: z.literal('oidc'), name: z.string().regex(/^[\w.-]{1,32}$/), issuerUrl: z.url(), clientId: z.string().min(1), clientSecretName: z.string().min(1) }),
    ])
    .optional(),
});
