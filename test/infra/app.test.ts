import { readFileSync } from 'node:fs';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp, stackName } from '../../infra/vigia-app';
import { join } from 'node:path';
import { REPO_ROOT, validateStage } from '../../infra/config';
import { loadVigiaConfig } from '../../shared/config/vigia-config';
import { testApp, testConfig } from './helpers';

const config = testConfig();

describe('buildApp', () => {
  it('creates Vigia-dev-Stateful, Vigia-dev-Pipeline and Vigia-dev-Analytics, the names the CLI looks up', () => {
    const app = testApp();
    const { stateful, pipeline, analytics } = buildApp(app, { stage: 'dev', config });
    expect([stateful.stackName, pipeline.stackName, analytics.stackName]).toEqual(['Vigia-dev-Stateful', 'Vigia-dev-Pipeline', 'Vigia-dev-Analytics']);
    expect(app.synth().stacks.map((stack) => stack.stackName).sort()).toEqual(['Vigia-dev-Analytics', 'Vigia-dev-Pipeline', 'Vigia-dev-Stateful']);
  });

  it('names the stacks and the secret after the stage', () => {
    const { stateful, pipeline } = buildApp(testApp(), { stage: 'pr-42', config });
    expect([stateful.stackName, pipeline.stackName]).toEqual([stackName('pr-42', 'Stateful'), 'Vigia-pr-42-Pipeline']);
    Template.fromStack(pipeline).hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'vigia/pr-42/whatsapp' });
  });

  it('deploys the PipelineStack after the StatefulStack', () => {
    const app = testApp();
    const { stateful, pipeline } = buildApp(app, { stage: 'dev', config });
    app.synth();
    expect(pipeline.dependencies.map((stack) => stack.stackName)).toEqual(['Vigia-dev-Stateful']);
    expect(stateful.dependencies).toHaveLength(0);
  });

  it.each(['Dev', 'dev_1', 'dev.1', '-dev', 'dev-', '', 'a'.repeat(33), 'prod stack'])('fails for the invalid stage %j, before creating stacks', (stage) => {
    const app = testApp();
    expect(() => buildApp(app, { stage, config })).toThrow(/^Invalid stage .*lowercase letters, digits and dashes/);
    expect(app.node.children).toHaveLength(0);
  });

  it('builds with the sample vigia.config.yaml of the repository (what `cdk synth` loads by default)', () => {
    const app = testApp();
    const { pipeline } = buildApp(app, { stage: 'dev', config: loadVigiaConfig(join(REPO_ROOT, 'vigia.config.yaml')) });
    expect(app.synth().getStackByName(pipeline.stackName).template.Outputs).toHaveProperty('ComplianceStateMachineArn');
  });

  it('fails for a stage that is not a string (e.g. a number from a JSON context)', () => {
    expect(() => validateStage(42)).toThrow('Invalid stage 42');
  });

  it.each(['dev', 'prod', 'pr-42', 'eu1', 'a'.repeat(32)])('accepts the stage %j', (stage) => {
    expect(validateStage(stage)).toBe(stage);
  });
});

describe('cdk.json', () => {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'));

  it('runs infra/app.ts with tsx', () => {
    expect(cdkJson.app).toBe('npx tsx infra/app.ts');
  });

  it('watches the deployment config (it is inlined into the compliance functions)', () => {
    expect(cdkJson.watch.include).toContain('vigia.config.yaml');
  });

  it('treats CloudFormation validation findings as errors', () => {
    expect(cdkJson.context['@aws-cdk/core:validateAgainstDefaultRules']).toBe(true);
  });
});
