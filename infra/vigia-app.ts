import { type App, type Environment, Tags } from 'aws-cdk-lib';
import type { VigiaConfig } from '../shared/config/vigia-config';
import { STACK_NAME_PREFIX, validateStage } from './config';
import { PipelineStack } from './stacks/pipeline-stack';
import { StatefulStack } from './stacks/stateful-stack';

export interface VigiaAppProps {
  /** Deployment stage: lowercase letters, digits and dashes. Validated before anything is created. */
  readonly stage: string;
  /**
   * Deployment config (`loadVigiaConfig()` in infra/app.ts; tests parse YAML text with
   * `parseVigiaConfig`): compliance policies and alert subscriptions.
   */
  readonly config: VigiaConfig;
  /**
   * Account and region to deploy to.
   * @default - environment-agnostic stacks (resolved at deploy time)
   */
  readonly env?: Environment;
}

export interface VigiaStacks {
  readonly stateful: StatefulStack;
  readonly pipeline: PipelineStack;
}

/** Name of a Vigia stack: `Vigia-<stage>-<part>`. The CLI looks stacks up by this name. */
export function stackName(stage: string, part: 'Stateful' | 'Pipeline'): string {
  return `${STACK_NAME_PREFIX}-${stage}-${part}`;
}

/** Adds the Vigia stacks of one stage to an app. */
export function buildApp(app: App, props: VigiaAppProps): VigiaStacks {
  const stage = validateStage(props.stage);

  const stateful = new StatefulStack(app, stackName(stage, 'Stateful'), {
    stackName: stackName(stage, 'Stateful'),
    description: `Vigia (${stage}): archive key, bucket, table, ingest and media queues (retained)`,
    env: props.env,
    stage,
  });
  const pipeline = new PipelineStack(app, stackName(stage, 'Pipeline'), {
    stackName: stackName(stage, 'Pipeline'),
    description: `Vigia (${stage}): webhook API, webhook, ingest and media functions, compliance flow, alerts, alarms`,
    env: props.env,
    stage,
    config: props.config,
    key: stateful.key,
    archiveBucket: stateful.archiveBucket,
    archiveTable: stateful.archiveTable,
    ingestQueue: stateful.ingestQueue,
    mediaQueue: stateful.mediaQueue,
    mediaDeadLetterQueue: stateful.mediaDeadLetterQueue,
  });

  for (const stack of [stateful, pipeline]) {
    Tags.of(stack).add('vigia:stage', stage);
    Tags.of(stack).add('vigia:component', 'capture');
  }
  return { stateful, pipeline };
}
