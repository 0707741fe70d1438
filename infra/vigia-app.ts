import { type App, type Environment, Tags } from 'aws-cdk-lib';
import type { VigiaConfig } from '../shared/config/vigia-config';
import { STACK_NAME_PREFIX, stageSettings, validateStage } from './config';
import { AnalyticsStack } from './stacks/analytics-stack';
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
  /** The analytics export function and its schedule (the bucket, Glue tables and Athena workgroup are in `stateful`). */
  readonly analytics: AnalyticsStack;
}

/** Name of a Vigia stack: `Vigia-<stage>-<part>`. The CLI looks stacks up by this name. */
export function stackName(stage: string, part: 'Stateful' | 'Pipeline' | 'Analytics'): string {
  return `${STACK_NAME_PREFIX}-${stage}-${part}`;
}

/** Adds the Vigia stacks of one stage to an app. */
export function buildApp(app: App, props: VigiaAppProps): VigiaStacks {
  const stage = validateStage(props.stage);
  // Log retention and access-log expiry of the stage: `stages.<stage>` of the config over the defaults.
  const settings = stageSettings(stage, props.config);

  const stateful = new StatefulStack(app, stackName(stage, 'Stateful'), {
    stackName: stackName(stage, 'Stateful'),
    description: `Vigia (${stage}): archive key, bucket, table, ingest and media queues, analytics bucket and catalog, ops topic (retained)`,
    env: props.env,
    stage,
    analyticsFirstDay: props.config.analytics.firstDay,
    retentionDays: props.config.retention?.days,
    objectLock: props.config.archive?.objectLock,
    ops: props.config.ops,
    logRetentionDays: settings.logRetentionDays,
    accessLogRetentionDays: settings.accessLogRetentionDays,
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
    evidenceSigningKey: stateful.evidenceSigningKey,
    opsTopic: stateful.ops.topic,
    logRetentionDays: settings.logRetentionDays,
    // The console's overview runs the named queries in the stage's workgroup.
    consoleAnalytics: { bucket: stateful.analyticsBucket, workGroupName: stateful.analyticsCatalog.workGroupName, databaseName: stateful.analyticsCatalog.databaseName },
  });
  const analytics = new AnalyticsStack(app, stackName(stage, 'Analytics'), {
    stackName: stackName(stage, 'Analytics'),
    description: `Vigia (${stage}): scheduled Parquet export of the archive to the analytics bucket`,
    env: props.env,
    stage,
    config: props.config,
    key: stateful.key,
    archiveTable: stateful.archiveTable,
    analyticsBucket: stateful.analyticsBucket,
    opsTopic: stateful.ops.topic,
    logRetentionDays: settings.logRetentionDays,
  });

  for (const stack of [stateful, pipeline]) {
    Tags.of(stack).add('vigia:stage', stage);
    Tags.of(stack).add('vigia:component', 'capture');
  }
  Tags.of(analytics).add('vigia:stage', stage);
  Tags.of(analytics).add('vigia:component', 'analytics');
  return { stateful, pipeline, analytics };
}
