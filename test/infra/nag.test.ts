import { join } from 'node:path';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { acknowledgementFor, applyNag, NAG_ACKNOWLEDGEMENTS, nagFindings } from '../../infra/nag';
import { buildApp } from '../../infra/vigia-app';
import { loadVigiaConfig } from '../../shared/config/vigia-config';
import { testApp, testConfig } from './helpers';

const REPO_ROOT = join(import.meta.dirname, '..', '..');
// The sample config enables every optional part (disclosure, notices, ops topic, retention), so
// every construct the packs can see is in the app.
const SAMPLE_CONFIG = loadVigiaConfig(join(REPO_ROOT, 'vigia.config.yaml'));

/** Builds the app as `cdk synth` does (infra/app.ts): stacks, then the nag packs. */
function nagApp(config = SAMPLE_CONFIG) {
  const app = testApp();
  const stacks = buildApp(app, { stage: 'prod', config });
  return { app, stacks };
}

/** Every finding of the packs on the synthesized app, nothing acknowledged (cross-stack references in their final form). */
function rawFindings() {
  const { app } = nagApp();
  app.synth();
  return nagFindings(app);
}

describe('cdk-nag (AwsSolutions and Serverless packs) on the whole app', () => {
  it('synthesizes with every error finding acknowledged by the table', () => {
    const { app } = nagApp();
    applyNag(app);
    expect(() => app.synth()).not.toThrow();
    // Nothing left once acknowledged.
    expect(nagFindings(app).filter((finding) => finding.severity === 'error')).toEqual([]);

    const findings = rawFindings();
    expect(findings.length).toBeGreaterThan(0);
    const unaccepted = findings.filter((finding) => finding.severity === 'error' && !acknowledgementFor(finding));
    expect(unaccepted).toEqual([]);
  });

  it('writes each acknowledgement with its reason into the template metadata', () => {
    const { app, stacks } = nagApp();
    applyNag(app);
    const template = app.synth().getStackByName(stacks.pipeline.stackName).template as {
      Resources: Record<string, { Metadata?: { cdk_nag?: { rules_to_suppress: { id: string; reason: string }[] } } }>;
    };
    const suppressions = Object.values(template.Resources).flatMap((resource) => resource.Metadata?.cdk_nag?.rules_to_suppress ?? []);
    expect(suppressions.length).toBeGreaterThan(0);
    for (const suppression of suppressions) {
      expect(NAG_ACKNOWLEDGEMENTS.map((entry) => entry.reason)).toContain(suppression.reason);
      // Per finding, never a whole rule on a wildcard: IAM findings carry the resource or action.
      if (suppression.id.includes('IAM5')) expect(suppression.id).toMatch(/\[(Resource|Action)::.+\]$/);
    }
  });

  it('has no stale or vague acknowledgement: each one is used, names its rule, says why in one sentence', () => {
    const findings = rawFindings();
    for (const entry of NAG_ACKNOWLEDGEMENTS) {
      expect(entry.rule, entry.reason).toMatch(/^(AwsSolutions|Serverless)-[A-Za-z0-9]+$/);
      expect(entry.reason.trim(), entry.rule).toMatch(/^[A-Z"'].{30,}[.)]$/s);
      // One sentence: no full stop followed by a new sentence.
      expect(entry.reason, entry.rule).not.toMatch(/[a-z]\. [A-Z]/);
      const used = findings.some((finding) => acknowledgementFor(finding, [entry]) !== undefined);
      expect(used, `${entry.rule} ${entry.path} is acknowledged but no resource raises it`).toBe(true);
    }
    // No blanket acknowledgement of the IAM wildcard rule: each names the finding it accepts.
    for (const entry of NAG_ACKNOWLEDGEMENTS.filter((candidate) => candidate.rule === 'AwsSolutions-IAM5')) {
      expect(entry.finding, entry.reason).toBeDefined();
    }
  });

  it('fails the synth on a new, unacknowledged wildcard', () => {
    const { app, stacks } = nagApp(testConfig());
    stacks.pipeline.webhookFunction.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::some-bucket/*'] }));
    applyNag(app);
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5\[Resource::arn:aws:s3:::some-bucket\/\*\]|Validation failed/);
  });

  it('fails the synth on a new resource that breaks a rule no entry accepts (an unencrypted queue)', () => {
    const { app, stacks } = nagApp(testConfig());
    new sqs.Queue(stacks.pipeline, 'PlainQueue', { encryption: sqs.QueueEncryption.UNENCRYPTED, enforceSSL: true });
    applyNag(app);
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS2|Serverless-SQSRedrivePolicy|Validation failed/);
  });
});
