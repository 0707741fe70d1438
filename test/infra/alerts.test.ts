import { describe, expect, it } from 'vitest';
import { subscriptionsFromConfig } from '../../shared/compliance/notifications';
import { buildApp } from '../../infra/vigia-app';
import { arnOf, asArray, logicalIdOf, ref, synthVigia, testApp, testConfig } from './helpers';

/** One manager of ventas with e-mail and phone from medium up; one manager of another team. */
const CONFIG_YAML = `
lines:
  - { phoneNumberId: "100000000000001", employee: Ana Souza, team: ventas }
  - { phoneNumberId: "100000000000002", employee: Carla Gómez, team: soporte }
teams:
  - id: ventas
    managers:
      - { name: Carla Lima, email: carla@example.com, phone: "+5511999990000", minSeverity: medium }
  - id: soporte
    managers:
      - { name: Diego Ruiz, email: diego@example.com, minSeverity: high }
policies:
  - { id: confidential-terms, kind: keyword, severity: high, terms: [confidencial] }
`;

const config = testConfig(CONFIG_YAML);
const { stateful, pipeline, statefulTemplate, pipelineTemplate: template } = synthVigia('dev', config);
const id = {
  key: logicalIdOf(stateful, stateful.key),
  topic: logicalIdOf(pipeline, pipeline.alertsTopic),
  stateMachine: logicalIdOf(pipeline, pipeline.complianceFlow.stateMachine),
  alarm: logicalIdOf(pipeline, pipeline.complianceFlowFailedAlarm),
  timedOutAlarm: logicalIdOf(pipeline, pipeline.complianceFlowTimedOutAlarm),
};
const subscriptions = Object.values(template.findResources('AWS::SNS::Subscription')).map((subscription) => subscription.Properties);
const forTeam = (team: string) => subscriptions.filter((subscription) => JSON.stringify(subscription.FilterPolicy?.team) === JSON.stringify([team]));

describe('alerts', () => {
  describe('topic', () => {
    it('is AlertsTopic, encrypted with the stack key', () => {
      expect(pipeline.alertsTopic.node.id).toBe('AlertsTopic');
      expect(template.toJSON().Resources[id.topic].Properties.KmsMasterKeyId).toEqual(arnOf(id.key));
      expect(Object.keys(template.findResources('AWS::SNS::Topic'))).toEqual([id.topic]);
    });

    it('refuses requests without TLS', () => {
      const policies = Object.values(template.findResources('AWS::SNS::TopicPolicy')).filter((policy) =>
        asArray(policy.Properties.Topics).some((topic) => JSON.stringify(topic) === JSON.stringify(ref(id.topic))),
      );
      expect(policies).toHaveLength(1);
      expect(policies[0]!.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    });

    it('can be used by publishers through their IAM policies: the key policy delegates to the account', () => {
      // The notify function's identity policy grants kms:GenerateDataKey/Decrypt through SNS; that
      // only takes effect because the key policy lets IAM policies of the account grant the key.
      const keyPolicy = statefulTemplate.toJSON().Resources[id.key].Properties.KeyPolicy;
      expect(keyPolicy.Statement).toContainEqual({
        Effect: 'Allow',
        Action: 'kms:*',
        Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } },
        Resource: '*',
      });
    });
  });

  describe('subscriptions', () => {
    it('subscribes a ventas manager by e-mail and SMS, filtered on team ventas and severity ≥ medium (rank 2)', () => {
      const ventas = forTeam('ventas');
      expect(ventas.map((subscription) => [subscription.Protocol, subscription.Endpoint]).sort()).toEqual([
        ['email', 'carla@example.com'],
        ['sms', '+5511999990000'],
      ]);
      const ids = subscriptionsFromConfig(config).filter((subscription) => subscription.team === 'ventas');
      for (const subscription of ventas) {
        expect(subscription.TopicArn).toEqual(ref(id.topic));
        // One publish per subscription (shared/compliance/alert-delivery.ts): the filter names the
        // subscription and checks team and severity too.
        const own = ids.find((candidate) => candidate.endpoint === subscription.Endpoint)!;
        expect(subscription.FilterPolicy).toEqual({ subscription: [own.id], team: ['ventas'], severityRank: [{ numeric: ['>=', 2] }] });
        // Matched against the message attributes the notify function sets (subscription, team, severityRank).
        expect(subscription.FilterPolicyScope ?? 'MessageAttributes').toBe('MessageAttributes');
      }
      expect(new Set(ventas.map((subscription) => subscription.FilterPolicy.subscription[0])).size).toBe(ventas.length);
    });

    it('does not subscribe a manager of another team to the ventas alerts', () => {
      expect(forTeam('ventas').map((subscription) => subscription.Endpoint)).not.toContain('diego@example.com');
      expect(forTeam('soporte')).toEqual([
        expect.objectContaining({
          Protocol: 'email',
          Endpoint: 'diego@example.com',
          FilterPolicy: { subscription: ['soporte-diego-ruiz-email'], team: ['soporte'], severityRank: [{ numeric: ['>=', 3] }] },
        }),
      ]);
    });

    it('are exactly those of subscriptionsFromConfig, with their ids as construct IDs', () => {
      const expected = subscriptionsFromConfig(config);
      expect(subscriptions).toHaveLength(expected.length);
      expect(Object.keys(pipeline.alertSubscriptions).sort()).toEqual(expected.map((subscription) => subscription.id).sort());
      for (const subscription of expected) {
        expect(pipeline.alertSubscriptions[subscription.id]!.node.id).toBe(subscription.id);
        expect(pipeline.alertSubscriptions[subscription.id]!.node.scope).toBe(pipeline.alertsTopic);
      }
    });

    it('are none for a config without teams (the topic still exists)', () => {
      const empty = synthVigia('dev', testConfig('lines: []\n'));
      expect(empty.pipelineTemplate.findResources('AWS::SNS::Subscription')).toEqual({});
      expect(Object.keys(empty.pipelineTemplate.findResources('AWS::SNS::Topic'))).toHaveLength(1);
    });
  });

  describe('compliance flow alarms', () => {
    it('ComplianceFlowFailedAlarm: the sum of ExecutionsFailed of the state machine over 5 minutes is ≥ 1', () => {
      expect(pipeline.complianceFlowFailedAlarm.node.id).toBe('ComplianceFlowFailedAlarm');
      expect(template.toJSON().Resources[id.alarm].Properties).toMatchObject({
        Namespace: 'AWS/States',
        MetricName: 'ExecutionsFailed',
        Dimensions: [{ Name: 'StateMachineArn', Value: ref(id.stateMachine) }],
        Statistic: 'Sum',
        Period: 300,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
      });
    });

    it('ComplianceFlowTimedOutAlarm: the sum of ExecutionsTimedOut of the state machine over 5 minutes is ≥ 1', () => {
      expect(pipeline.complianceFlowTimedOutAlarm.node.id).toBe('ComplianceFlowTimedOutAlarm');
      expect(template.toJSON().Resources[id.timedOutAlarm].Properties).toMatchObject({
        Namespace: 'AWS/States',
        MetricName: 'ExecutionsTimedOut',
        Dimensions: [{ Name: 'StateMachineArn', Value: ref(id.stateMachine) }],
        Statistic: 'Sum',
        Period: 300,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
      });
    });

    it('notify the ops topic (StatefulStack)', () => {
      for (const alarmId of [id.alarm, id.timedOutAlarm]) {
        expect(template.toJSON().Resources[alarmId].Properties.AlarmActions, alarmId).toEqual([ref(logicalIdOf(stateful, stateful.ops.topic))]);
      }
    });
  });

  describe('outputs', () => {
    it('exposes AlertsTopicArn and ComplianceStateMachineArn, without exports', () => {
      const outputs = template.toJSON().Outputs;
      expect(outputs.AlertsTopicArn).toMatchObject({ Value: ref(id.topic) });
      expect(outputs.ComplianceStateMachineArn).toMatchObject({ Value: ref(id.stateMachine) });
      expect(outputs.AlertsTopicArn.Export).toBeUndefined();
      expect(outputs.ComplianceStateMachineArn.Export).toBeUndefined();
    });
  });
});

describe('alert subscriptions validation', () => {
  it('fails, before creating the PipelineStack, when one endpoint would be subscribed twice (SNS allows one per topic)', () => {
    const twice = testConfig(`
teams:
  - id: ventas
    managers: [{ name: Carla Lima, email: carla@example.com }]
  - id: soporte
    managers: [{ name: Carla Lima, email: carla@example.com, minSeverity: high }]
`);
    const app = testApp();
    expect(() => buildApp(app, { stage: 'dev', config: twice })).toThrow(
      /Alert subscriptions "ventas-carla-lima-email" and "soporte-carla-lima-email" both notify email carla@example\.com/,
    );
    expect(app.node.tryFindChild('Vigia-dev-Pipeline')).toBeUndefined();
  });
});
