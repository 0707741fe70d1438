import { describe, expect, it } from 'vitest';
import { logicalIdOf, roleStatements, allows, arnWithSuffix, synthVigia, testConfig, TEST_CONFIG_YAML } from './helpers';

const withRetention = synthVigia('dev', testConfig(`${TEST_CONFIG_YAML}\nretention: { days: 1825, basis: "legal obligation: CLT art. 11", minimumDays: 1825 }\n`));
const withoutRetention = synthVigia('dev');
const resourcesOf = (synth: typeof withRetention) => synth.statefulTemplate.toJSON().Resources as Record<string, any>;

describe('retention in the CDK app (docs/privacy.md)', () => {
  it('gives the archive table a TTL on expiresAt, with or without retention (items without it never expire)', () => {
    for (const synth of [withRetention, withoutRetention]) {
      const table = resourcesOf(synth)[logicalIdOf(synth.stateful, synth.stateful.archiveTable)];
      expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    }
  });

  it('expires raw/, rejected/ and media/ objects tagged vigia-retention=expire after retention.days, old versions a day later', () => {
    const rules = resourcesOf(withRetention)[logicalIdOf(withRetention.stateful, withRetention.stateful.archiveBucket)].Properties.LifecycleConfiguration.Rules as Record<string, any>[];
    for (const [name, prefix] of [['Raw', 'raw/'], ['Rejected', 'rejected/'], ['Media', 'media/']]) {
      expect(rules).toContainEqual({
        Id: `Retention${name}`,
        Status: 'Enabled',
        Prefix: prefix,
        TagFilters: [{ Key: 'vigia-retention', Value: 'expire' }],
        ExpirationInDays: 1825,
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
      });
      expect(rules).toContainEqual({ Id: `Retention${name}DeleteMarkers`, Status: 'Enabled', Prefix: prefix, ExpiredObjectDeleteMarker: true });
    }
    // Nothing else expires: no rule without the tag filter removes objects (held objects are tagged `hold`).
    const untaggedExpiring = rules.filter((rule) => 'ExpirationInDays' in rule && !rule.TagFilters);
    expect(untaggedExpiring).toEqual([]);
  });

  it('expires no object without retention in the config', () => {
    const rules = resourcesOf(withoutRetention)[logicalIdOf(withoutRetention.stateful, withoutRetention.stateful.archiveBucket)].Properties.LifecycleConfiguration.Rules as Record<string, any>[];
    expect(rules.filter((rule) => 'ExpirationInDays' in rule || 'ExpiredObjectDeleteMarker' in rule)).toEqual([]);
  });

  it('tells the ingest function retention.days and lets it re-tag raw/ objects (held), nothing more', () => {
    const { pipeline, pipelineTemplate } = withRetention;
    const ingest = pipelineTemplate.toJSON().Resources[logicalIdOf(pipeline, pipeline.ingestFunction)];
    expect(ingest.Properties.Environment.Variables.RETENTION_DAYS).toBe('1825');
    const statements = roleStatements(pipelineTemplate, logicalIdOf(pipeline, pipeline.ingestFunction.role!));
    expect(allows(statements, 's3:PutObjectTagging').map((statement) => statement.Resource)).toEqual([arnWithSuffix(logicalIdOf(withRetention.stateful, withRetention.stateful.archiveBucket), '/raw/*')]);
    for (const action of ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObject']) expect(allows(statements, action), action).toEqual([]);
    const without = withoutRetention.pipelineTemplate.toJSON().Resources[logicalIdOf(withoutRetention.pipeline, withoutRetention.pipeline.ingestFunction)];
    expect(without.Properties.Environment.Variables.RETENTION_DAYS).toBeUndefined();
  });
});
