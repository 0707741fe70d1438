import type { Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { logicalIdOf, synthVigia } from './helpers';

/**
 * The logical IDs of the resources a deployed stack must never replace. CloudFormation replaces a
 * resource whose logical ID changes: a new alerts topic drops every confirmed manager subscription,
 * a new API changes the webhook URL registered with Meta, a new secret loses the credentials put
 * into it, and the stateful resources (RETAIN) would be orphaned next to empty new ones. A
 * refactor that moves one of these constructs must keep its ID (docs/decisions.md, decision 1).
 */
const { stateful, pipeline, statefulTemplate, rawPipelineTemplate } = synthVigia();

function expectPinned(stack: Stack, template: Template, pinned: Array<[IConstruct, string, string]>) {
  for (const [construct, logicalId, type] of pinned) {
    expect(logicalIdOf(stack, construct), construct.node.path).toBe(logicalId);
    expect(template.toJSON().Resources[logicalId]?.Type, logicalId).toBe(type);
  }
}

describe('logical IDs of the resources a deployment must keep', () => {
  it('PipelineStack: alerts topic and subscriptions, API and its stage, secret, state machine, async dead-letter queue', () => {
    expectPinned(pipeline, rawPipelineTemplate, [
      [pipeline.alertsTopic, 'AlertsTopic3414BE91', 'AWS::SNS::Topic'],
      [pipeline.alertSubscriptions['ventas-carla-lima-email']!, 'AlertsTopicventascarlalimaemail4F0FC94F', 'AWS::SNS::Subscription'],
      [pipeline.alertSubscriptions['ventas-carla-lima-sms']!, 'AlertsTopicventascarlalimasmsF17A71AC', 'AWS::SNS::Subscription'],
      [pipeline.alertSubscriptions['soporte-diego-ruiz-email']!, 'AlertsTopicsoportediegoruizemail3A8031A7', 'AWS::SNS::Subscription'],
      [pipeline.api, 'WebhookApi28122C53', 'AWS::ApiGatewayV2::Api'],
      [pipeline.webhookIngress.apiStage, 'WebhookApiDefaultStageFDF3F641', 'AWS::ApiGatewayV2::Stage'],
      [pipeline.whatsAppSecret, 'WhatsAppSecret66EA396B', 'AWS::SecretsManager::Secret'],
      [pipeline.complianceFlow.stateMachine, 'ComplianceFlowStateMachine3711AF61', 'AWS::StepFunctions::StateMachine'],
      [pipeline.asyncDeadLetterQueue.queue, 'AsyncDeadLetterQueueF2150A83', 'AWS::SQS::Queue'],
    ]);
  });

  it('StatefulStack: key, buckets, table, queues and their dead-letter queues, ops topic', () => {
    expectPinned(stateful, statefulTemplate, [
      [stateful.key, 'ArchiveKeyDC5BCBC1', 'AWS::KMS::Key'],
      [stateful.archiveBucket, 'ArchiveBucket9DECBF5D', 'AWS::S3::Bucket'],
      [stateful.archiveTable, 'ArchiveTable4E5864BF', 'AWS::DynamoDB::Table'],
      [stateful.ingestQueue, 'IngestQueue2280FF4E', 'AWS::SQS::Queue'],
      [stateful.ingestDeadLetterQueue, 'IngestDeadLetterQueue48D59084', 'AWS::SQS::Queue'],
      [stateful.mediaQueue, 'MediaQueue5E4C5F09', 'AWS::SQS::Queue'],
      [stateful.mediaDeadLetterQueue, 'MediaDeadLetterQueue30136B11', 'AWS::SQS::Queue'],
      [stateful.analyticsBucket, 'AnalyticsBucket39EAAEEA', 'AWS::S3::Bucket'],
      [stateful.ops.topic, 'OpsTopicCA671FE6', 'AWS::SNS::Topic'],
    ]);
  });
});
