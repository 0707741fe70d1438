/**
 * The compliance flow's ASL as deployed, for the local runtime (aws-local-stepfunctions).
 *
 * Builds the real app in memory, synthesizes it without bundling (no esbuild), and turns the
 * state machine's `DefinitionString` (an `Fn::Join` of strings and `Fn::GetAtt`/`Ref` tokens)
 * into plain ASL. Each Lambda ARN becomes `arn:aws:lambda:local:000000000000:function:<logical id>`:
 * a placeholder only, as the local runner maps Task states to handlers by state name.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, type CfnElement } from 'aws-cdk-lib';
import type { VigiaConfig } from '../shared/config/vigia-config';
import { REPO_ROOT } from './config';
import { buildApp } from './vigia-app';

/** Values of the pseudo parameters in the local ASL. */
const LOCAL_PSEUDO_PARAMETERS: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'local',
  'AWS::AccountId': '000000000000',
  'AWS::URLSuffix': 'amazonaws.com',
};

export const LOCAL_STAGE = 'local';

/** Placeholder ARN of a function of the template, by logical ID. */
export function localLambdaArn(logicalId: string): string {
  return `arn:aws:lambda:local:000000000000:function:${logicalId}`;
}

/** The compliance state machine's definition, as plain ASL JSON, for the given config. */
export function complianceFlowAsl(config: VigiaConfig): Record<string, unknown> {
  const outdir = mkdtempSync(path.join(tmpdir(), 'vigia-asl-'));
  try {
    const app = new App({
      // cdk.json's feature flags, so the definition is the one `cdk synth` renders. An empty
      // bundling-stacks list skips every asset bundling: no esbuild process is started.
      context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] },
      outdir,
      analyticsReporting: false,
    });
    const { pipeline } = buildApp(app, { stage: LOCAL_STAGE, config });
    const template = app.synth().getStackByName(pipeline.stackName).template as {
      Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
    };
    const stateMachine = pipeline.complianceFlow.stateMachine.node.defaultChild as CfnElement;
    return aslFromTemplate(template, pipeline.resolve(stateMachine.logicalId) as string);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * Resolves the single `AWS::StepFunctions::StateMachine` of a template (or the one with
 * `logicalId`) into ASL JSON.
 */
export function aslFromTemplate(
  template: { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> },
  logicalId?: string,
): Record<string, unknown> {
  const found = Object.entries(template.Resources).filter(
    ([id, resource]) => resource.Type === 'AWS::StepFunctions::StateMachine' && (logicalId === undefined || id === logicalId),
  );
  if (found.length !== 1) {
    throw new Error(`Expected one AWS::StepFunctions::StateMachine${logicalId ? ` ${logicalId}` : ''}, found ${found.length}`);
  }
  const [machineId, machine] = found[0]!;
  const definition = machine.Properties?.DefinitionString;
  if (definition === undefined) throw new Error(`${machineId} has no DefinitionString`);
  const resources = template.Resources;
  const text = resolveToString(definition, (token) => {
    if ('Ref' in token) {
      const name = token.Ref as string;
      if (name in LOCAL_PSEUDO_PARAMETERS) return LOCAL_PSEUDO_PARAMETERS[name]!;
      if (resources[name]?.Type === 'AWS::Lambda::Function') return localLambdaArn(name);
    }
    if ('Fn::GetAtt' in token) {
      const [resourceId, attribute] = token['Fn::GetAtt'] as [string, string];
      if (attribute === 'Arn' && resources[resourceId]?.Type === 'AWS::Lambda::Function') return localLambdaArn(resourceId);
    }
    throw new Error(`Cannot resolve ${JSON.stringify(token)} in the definition of ${machineId}`);
  });
  return JSON.parse(text) as Record<string, unknown>;
}

type Token = Record<string, unknown>;

function resolveToString(node: unknown, resolveToken: (token: Token) => string): string {
  if (typeof node === 'string') return node;
  if (node && typeof node === 'object' && !Array.isArray(node)) {
    const token = node as Token;
    if ('Fn::Join' in token) {
      const [separator, parts] = token['Fn::Join'] as [string, unknown[]];
      return parts.map((part) => resolveToString(part, resolveToken)).join(separator);
    }
    return resolveToken(token);
  }
  throw new Error(`Unexpected value in a DefinitionString: ${JSON.stringify(node)}`);
}

function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}
