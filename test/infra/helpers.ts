import { readFileSync } from 'node:fs';
import { App, CfnElement, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { FUNCTION_BASELINE_POLICY } from '../../infra/constructs/pipeline-function';
import { buildApp, type VigiaStacks } from '../../infra/vigia-app';
import { parseVigiaConfig, type VigiaConfig } from '../../shared/config/vigia-config';

/**
 * The deployment config of the infra tests: one line, two teams (one manager each), one policy of
 * each kind. Tests that need other values parse their own text with `testConfig(yaml)`.
 */
export const TEST_CONFIG_YAML = `
lines:
  - { phoneNumberId: "100000000000001", employee: Ana Souza, team: ventas }
teams:
  - id: ventas
    managers:
      - { name: Carla Lima, email: carla@example.com, phone: "+5511999990000", minSeverity: medium }
  - id: soporte
    managers:
      - { name: Diego Ruiz, email: diego@example.com, minSeverity: high }
policies:
  - { id: confidential-terms, kind: keyword, severity: high, teams: [ventas], terms: [confidencial] }
  - { id: no-spreadsheets, kind: file, severity: medium, extensions: [xlsx, zip], detectMismatch: true }
  - { id: angry-conversation, kind: sentiment, severity: low, sentiment: NEGATIVE, minScore: 0.8 }
`;

/** A config parsed from YAML text, as `cdk synth` would load it from a file. */
export function testConfig(yaml: string = TEST_CONFIG_YAML): VigiaConfig {
  return parseVigiaConfig(yaml, 'test.yaml');
}

/** The feature flags and context of cdk.json, so tests synthesize what `cdk synth` does. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

/**
 * An App that never runs esbuild. `aws:cdk:bundling-stacks` lists the stacks to bundle; an
 * empty list makes `Stack.bundlingRequired` false for all of them, so each function's asset
 * is staged with a placeholder hash and esbuild never runs (this is what
 * `cdk synth --exclusively` / `cdk deploy <stack>` use for the other stacks).
 * PipelineFunction still checks that the entry file exists: tests need the real
 * `functions/<name>/handler.ts` files, but not a working bundle.
 */
export function testApp(context: Record<string, unknown> = {}): App {
  return new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], ...context } });
}

export interface SynthesizedVigia extends VigiaStacks {
  readonly app: App;
  readonly statefulTemplate: Template;
  /** The PipelineStack template with cross-stack references replaced by the StatefulStack values (see `resolveCrossStack`). */
  readonly pipelineTemplate: Template;
  /** The PipelineStack template as synthesized. */
  readonly rawPipelineTemplate: Template;
}

/** Builds and synthesizes the Vigia app of one stage (running the app's validations). */
export function synthVigia(stage = 'dev', config: VigiaConfig = testConfig()): SynthesizedVigia {
  const app = testApp();
  const stacks = buildApp(app, { stage, config });
  // Synthesize the whole app first: this runs the CloudFormation template validation
  // (validateAgainstDefaultRules in cdk.json), which throws on errors such as dependency cycles.
  app.synth();
  const statefulTemplate = Template.fromStack(stacks.stateful);
  const rawPipelineTemplate = Template.fromStack(stacks.pipeline);
  const pipelineTemplate = Template.fromJSON(
    resolveCrossStack(rawPipelineTemplate.toJSON(), stacks.stateful.stackName, statefulTemplate.toJSON()),
  );
  return { app, ...stacks, statefulTemplate, pipelineTemplate, rawPipelineTemplate };
}

/** Logical ID of a construct (an L2 is resolved to its default child, e.g. the CfnBucket). */
export function logicalIdOf(stack: Stack, construct: IConstruct): string {
  const element = CfnElement.isCfnElement(construct) ? construct : construct.node.defaultChild;
  if (!element || !CfnElement.isCfnElement(element)) {
    throw new Error(`${construct.node.path} has no CloudFormation resource`);
  }
  return stack.resolve(element.logicalId) as string;
}

export const ref = (logicalId: string) => ({ Ref: logicalId });
export const arnOf = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });
/** `${arn}${suffix}` as CDK renders it, e.g. objectArn(bucketId, '/raw/*'). */
export const arnWithSuffix = (logicalId: string, suffix: string) => ({ 'Fn::Join': ['', [arnOf(logicalId), suffix]] });

/**
 * Replaces references to the producer stack (`Fn::GetStackOutput` for weak references,
 * `Fn::ImportValue` for strong ones) with the output's value in the producer template, so the
 * consumer can be asserted against the producer's logical IDs, whichever reference strength
 * cdk.json selects. References to any other stack are left as they are (and fail assertions).
 */
export function resolveCrossStack(consumer: unknown, producerStackName: string, producer: Record<string, any>): any {
  const outputs: Record<string, { Value: unknown; Export?: { Name: string } }> = producer.Outputs ?? {};
  const byExportName = new Map(
    Object.values(outputs)
      .filter((output) => output.Export)
      .map((output) => [output.Export!.Name, output.Value]),
  );
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (node && typeof node === 'object') {
      const entries = Object.entries(node);
      if (entries.length === 1) {
        const [fn, arg] = entries[0] as [string, any];
        if (fn === 'Fn::GetStackOutput' && arg?.StackName === producerStackName && arg.OutputName in outputs) {
          return outputs[arg.OutputName]!.Value;
        }
        if (fn === 'Fn::ImportValue' && typeof arg === 'string' && byExportName.has(arg)) {
          return byExportName.get(arg);
        }
      }
      return Object.fromEntries(entries.map(([key, value]) => [key, visit(value)]));
    }
    return node;
  };
  return visit(consumer);
}

export interface PolicyStatementJson {
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, unknown>;
  Sid?: string;
}

export const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/**
 * Identity-policy statements attached to a role: its AWS::IAM::Policy resources and inline policies,
 * except PipelineFunction's `FunctionBaseline` inline policy (its own log group and dead-letter
 * queue, the same for every function: see `baselineStatements`), so that tests of a function's
 * rights see what its bindings grant.
 */
export function roleStatements(template: Template, roleLogicalId: string): PolicyStatementJson[] {
  const statements: PolicyStatementJson[] = [];
  for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
    const roles = asArray(policy.Properties.Roles) as unknown[];
    if (roles.some((role) => JSON.stringify(role) === JSON.stringify(ref(roleLogicalId)))) {
      statements.push(...asArray<PolicyStatementJson>(policy.Properties.PolicyDocument.Statement));
    }
  }
  const role = template.findResources('AWS::IAM::Role')[roleLogicalId];
  if (!role) throw new Error(`No role ${roleLogicalId}`);
  for (const inline of asArray<any>(role.Properties.Policies)) {
    if (inline.PolicyName === FUNCTION_BASELINE_POLICY) continue;
    statements.push(...asArray<PolicyStatementJson>(inline.PolicyDocument.Statement));
  }
  return statements;
}

/** The statements of a PipelineFunction role's `FunctionBaseline` inline policy (empty for other roles). */
export function baselineStatements(template: Template, roleLogicalId: string): PolicyStatementJson[] {
  const role = template.findResources('AWS::IAM::Role')[roleLogicalId];
  if (!role) throw new Error(`No role ${roleLogicalId}`);
  return asArray<any>(role.Properties.Policies)
    .filter((inline) => inline.PolicyName === FUNCTION_BASELINE_POLICY)
    .flatMap((inline) => asArray<PolicyStatementJson>(inline.PolicyDocument.Statement));
}

/** Every policy statement in a template: identity policies, inline role policies and resource policies. */
export function allStatements(template: Template): Array<{ resource: string; statement: PolicyStatementJson }> {
  const found: Array<{ resource: string; statement: PolicyStatementJson }> = [];
  const documents: Array<[string, any]> = [];
  for (const [id, r] of Object.entries(template.toJSON().Resources ?? {}) as Array<[string, any]>) {
    const p = r.Properties ?? {};
    if (p.PolicyDocument) documents.push([id, p.PolicyDocument]);
    if (p.KeyPolicy) documents.push([id, p.KeyPolicy]);
    for (const inline of asArray<any>(p.Policies)) if (inline?.PolicyDocument) documents.push([id, inline.PolicyDocument]);
  }
  for (const [resource, document] of documents) {
    for (const statement of asArray<PolicyStatementJson>(document.Statement)) found.push({ resource, statement });
  }
  return found;
}

/**
 * Identity-policy statements only — of policies, managed policies and roles' inline policies — with
 * the resource that holds each and the roles it is attached to (a role's own: that role; a policy's:
 * its `Roles`, none when it is attached through a role's `ManagedPolicyArns`).
 */
export function identityStatements(templates: readonly Template[]): Array<{ resource: string; roles: unknown[]; statement: PolicyStatementJson }> {
  return templates.flatMap((template) => {
    const resources = template.toJSON().Resources as Record<string, { Type: string; Properties?: { Roles?: unknown } }>;
    return allStatements(template)
      .filter(({ resource }) => /^AWS::IAM::(Policy|ManagedPolicy|Role)$/.test(resources[resource]!.Type))
      .map(({ resource, statement }) => ({ resource, statement, roles: resources[resource]!.Type === 'AWS::IAM::Role' ? [{ Ref: resource }] : asArray(resources[resource]!.Properties?.Roles) }));
  });
}

/** Whether any action pattern of the statement (IAM wildcards allowed) matches `action`. */
export function statementAllows(statement: PolicyStatementJson, action: string): boolean {
  if (statement.Effect !== 'Allow') return false;
  return asArray(statement.Action).some((pattern) => {
    const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
    return regex.test(action);
  });
}

/** The statements that allow `action`. */
export function allows(statements: PolicyStatementJson[], action: string): PolicyStatementJson[] {
  return statements.filter((statement) => statementAllows(statement, action));
}

/** Managed policy ARNs of a role, as rendered (for asserting nothing broad is attached). */
export function managedPolicyArnsOf(template: Template, roleLogicalId: string): string[] {
  const role = template.findResources('AWS::IAM::Role')[roleLogicalId];
  return asArray<any>(role?.Properties.ManagedPolicyArns).map((arn) => JSON.stringify(arn));
}
