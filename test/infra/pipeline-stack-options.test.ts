import { type App, Lazy } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { PipelineStack, type PipelineStackProps } from '../../infra/stacks/pipeline-stack';
import { StatefulStack } from '../../infra/stacks/stateful-stack';
import { logicalIdOf, ref, resolveCrossStack, testApp, testConfig } from './helpers';

type Options = Pick<PipelineStackProps, 'graphApiUrl'> & { withAlarmTopic?: boolean };

/** Stacks as buildApp creates them, plus the PipelineStack options buildApp does not pass. */
function createStacks(app: App, options: Options) {
  const stateful = new StatefulStack(app, 'Vigia-test-Stateful', { stage: 'test' });
  // Another topic than the stateful stack's own ops topic, to tell where the alarms point.
  const alarmTopic = options.withAlarmTopic ? new sns.Topic(stateful, 'OtherOpsTopic') : stateful.ops.topic;
  const pipeline = new PipelineStack(app, 'Vigia-test-Pipeline', {
    stage: 'test',
    config: testConfig(),
    key: stateful.key,
    archiveBucket: stateful.archiveBucket,
    archiveTable: stateful.archiveTable,
    ingestQueue: stateful.ingestQueue,
    mediaQueue: stateful.mediaQueue,
    mediaDeadLetterQueue: stateful.mediaDeadLetterQueue,
    evidenceSigningKey: stateful.evidenceSigningKey,
    graphApiUrl: options.graphApiUrl,
    opsTopic: alarmTopic,
  });
  return { stateful, pipeline, alarmTopic };
}

function synthWith(options: Options) {
  const app = testApp();
  const { stateful, pipeline, alarmTopic } = createStacks(app, options);
  app.synth();
  const statefulTemplate = Template.fromStack(stateful).toJSON();
  const template = Template.fromJSON(resolveCrossStack(Template.fromStack(pipeline).toJSON(), stateful.stackName, statefulTemplate));
  return { stateful, pipeline, alarmTopic, template };
}

describe('PipelineStack options', () => {
  describe('opsTopic', () => {
    it('is notified when any alarm of the stack goes into ALARM', () => {
      const { stateful, pipeline, alarmTopic, template } = synthWith({ withAlarmTopic: true });
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
      // Media (3), compliance flow (2), Comprehend, webhook API (3), rejected bodies, unchecked messages,
      // unnotified alerts, dead-letter queue, one capture gap per line (1), tamper evidence (2).
      expect(alarms).toHaveLength(16);
      expect(alarms.map((alarm) => alarm.Properties.MetricName)).toEqual(expect.arrayContaining(['ExecutionsFailed', 'ExecutionsTimedOut']));
      for (const alarm of [pipeline.complianceFlowFailedAlarm, pipeline.complianceFlowTimedOutAlarm]) {
        expect(template.findResources('AWS::CloudWatch::Alarm')[logicalIdOf(pipeline, alarm)]!.Properties.AlarmActions).toEqual([
          ref(logicalIdOf(stateful, alarmTopic!)),
        ]);
      }
      for (const alarm of alarms) {
        expect(alarm.Properties.AlarmActions).toEqual([ref(logicalIdOf(stateful, alarmTopic!))]);
      }
    });
  });

  describe('graphApiUrl', () => {
    it('is set as WHATSAPP_GRAPH_API_URL on the two media-fetch functions only (queue and compliance flow)', () => {
      const { pipeline, template } = synthWith({ graphApiUrl: 'https://graph.facebook.com/v26.0' });
      const functions = template.findResources('AWS::Lambda::Function');
      const fetchers = [pipeline.mediaFetchFunction, pipeline.complianceFlow.fetchMediaFunction].map((fn) => logicalIdOf(pipeline, fn));
      for (const id of fetchers) {
        expect(functions[id]!.Properties.Environment.Variables.WHATSAPP_GRAPH_API_URL).toBe('https://graph.facebook.com/v26.0');
      }
      const others = Object.entries(functions).filter(([id]) => !fetchers.includes(id));
      expect(others).toHaveLength(12);
      for (const [, fn] of others) expect(fn.Properties.Environment.Variables.WHATSAPP_GRAPH_API_URL).toBeUndefined();
    });

    it('accepts a token (resolved at synth time, not validated)', () => {
      const { pipeline, template } = synthWith({ graphApiUrl: Lazy.string({ produce: () => 'https://graph-proxy.internal/v25.0' }) });
      const fn = template.findResources('AWS::Lambda::Function')[logicalIdOf(pipeline, pipeline.mediaFetchFunction)]!;
      expect(fn.Properties.Environment.Variables.WHATSAPP_GRAPH_API_URL).toBe('https://graph-proxy.internal/v25.0');
    });

    it.each([
      '',
      'graph.facebook.com/v25.0',
      'http://graph.facebook.com/v25.0',
      'https://graph.facebook.com/v25.0?access_token=x',
      'https://graph.facebook.com/v25.0#x',
    ])('fails for %j, before creating the stack', (graphApiUrl) => {
      const app = testApp();
      expect(() => createStacks(app, { graphApiUrl })).toThrow(/^Invalid graphApiUrl .*use an https URL/);
      expect(app.node.tryFindChild('Vigia-test-Pipeline')).toBeUndefined();
    });
  });
});
