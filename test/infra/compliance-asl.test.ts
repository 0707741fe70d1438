import { describe, expect, it } from 'vitest';
import { aslFromTemplate, complianceFlowAsl, localLambdaArn } from '../../infra/compliance-asl';
import { FLOW_STATES } from '../../shared/compliance/model';
import { join } from 'node:path';
import { definitionSettings } from '../../local/compliance-asl-cache';
import { loadVigiaConfig, parseVigiaConfig } from '../../shared/config/vigia-config';
import { repoRoot } from '../helpers/paths';
import { testConfig } from './helpers';

type Asl = { StartAt: string; States: Record<string, { Type: string; Branches?: Asl[]; Parameters?: { FunctionName?: string } }> };

/** Every state name, including those inside Parallel branches. */
function stateNames(asl: Asl): string[] {
  return Object.entries(asl.States).flatMap(([name, state]) => [name, ...(state.Branches ?? []).flatMap(stateNames)]);
}

describe('complianceFlowAsl', () => {
  const asl = complianceFlowAsl(testConfig()) as Asl;

  it('returns plain ASL: StartAt Prepare and every FLOW_STATES state, checks nested in the Parallel', () => {
    expect(asl.StartAt).toBe('Prepare');
    expect(stateNames(asl).sort()).toEqual(Object.values(FLOW_STATES).sort());
    const nested = asl.States[FLOW_STATES.checks]!.Branches!.flatMap((branch) => Object.keys(branch.States));
    expect(nested.sort()).toEqual([FLOW_STATES.ruleChecks, FLOW_STATES.sentimentCheck, FLOW_STATES.sentimentFailed, FLOW_STATES.hasStoredFile, FLOW_STATES.fileContentCheck, FLOW_STATES.fileContentFailed, FLOW_STATES.noFileText].sort());
  });

  it('has no CloudFormation token left; Lambda ARNs are local placeholders', () => {
    const text = JSON.stringify(asl);
    expect(text).not.toMatch(/Fn::|"Ref"|\$\{Token/);
    const functionArns = text.match(/arn:aws:lambda:local:000000000000:function:[A-Za-z0-9]+/g) ?? [];
    expect(new Set(functionArns).size).toBe(7);
    expect(asl.States[FLOW_STATES.prepare]!.Parameters!.FunctionName).toMatch(/^arn:aws:lambda:local:000000000000:function:ComplianceFlowCompliancePrepareFunction/);
  });

  it('is deterministic (same config, same ASL)', () => {
    expect(complianceFlowAsl(testConfig())).toEqual(asl);
  });

  it('does not depend on the config (the local cache leaves it out of its key), unless definitionSettings says so', () => {
    const contrasting = parseVigiaConfig(
      ['lines: []', 'teams: []', 'policies: []', 'sentiment: { analyzer: comprehend, comprehendRegion: us-east-1, minLetters: 40 }', 'compliance: { history: skip }', 'retention: { days: 30 }'].join('\n'),
      'contrasting.yaml',
    );
    expect(definitionSettings(contrasting)).toEqual(definitionSettings(testConfig()));
    expect(complianceFlowAsl(contrasting)).toEqual(asl);
    expect(complianceFlowAsl(loadVigiaConfig(join(repoRoot, 'vigia.config.yaml')))).toEqual(asl);
  });
});

describe('aslFromTemplate', () => {
  const template = (definition: unknown) => ({
    Resources: {
      Fn: { Type: 'AWS::Lambda::Function' },
      Machine: { Type: 'AWS::StepFunctions::StateMachine', Properties: { DefinitionString: definition } },
    },
  });

  it('joins the parts and resolves Lambda GetAtt/Ref and pseudo parameters', () => {
    const definition = {
      'Fn::Join': [
        '',
        ['{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:', { Ref: 'AWS::Partition' }, ':states:::lambda:invoke","Parameters":{"FunctionName":"', { 'Fn::GetAtt': ['Fn', 'Arn'] }, '"},"End":true}}}'],
      ],
    };
    expect(aslFromTemplate(template(definition))).toEqual({
      StartAt: 'A',
      States: { A: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: localLambdaArn('Fn') }, End: true } },
    });
  });

  it('fails on a token it cannot resolve rather than guessing', () => {
    const definition = { 'Fn::Join': ['', ['{"x":"', { 'Fn::GetAtt': ['Table', 'Arn'] }, '"}']] };
    expect(() => aslFromTemplate(template(definition))).toThrow(/Cannot resolve .*Table/);
  });

  it('fails when the template has no state machine', () => {
    expect(() => aslFromTemplate({ Resources: {} })).toThrow(/Expected one AWS::StepFunctions::StateMachine, found 0/);
  });
});
