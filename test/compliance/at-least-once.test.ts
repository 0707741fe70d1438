import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { SFNServiceException } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient, SNSServiceException } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { prepare, record, ruleChecks } from '../../shared/compliance/flow-tasks';
import { SnsAlertPublisher } from '../../shared/compliance/adapters/alert-publishers';
import { OutboxAlertPublisher } from '../../local/adapters/outbox';
import { subscriptionsFromConfig } from '../../shared/compliance/notifications';
import type { Alert } from '../../shared/compliance/model';
import { chainConfig, keywordWebhook, startChain, SUBSCRIPTIONS, type Chain } from '../helpers/compliance-chain';

/**
 * Every hand-off of the compliance chain under a fault, followed by the retry or the re-drive
 * (docs/reliability.md): afterwards every message is checked once, there is exactly
 * one alert per hit, and every matching subscription has it exactly once.
 */

const throttled = () => new ProvisionedThroughputExceededException({ message: 'Throughput exceeds the current capacity of your table or index', $metadata: {} });

async function openAlerts(chain: Chain): Promise<Alert[]> {
  return (await chain.alerts.listByStatus('open')).sort((a, b) => a.messageId.localeCompare(b.messageId));
}

/** Every alert delivered exactly once to each of the three subscriptions, and marked so. */
async function expectDeliveredOnceEach(chain: Chain, messageIds: string[]): Promise<void> {
  const alerts = await openAlerts(chain);
  expect(alerts.map((alert) => alert.messageId)).toEqual([...messageIds].sort());
  const outbox = chain.outbox();
  for (const alert of alerts) {
    expect(outbox.filter((entry) => entry.alertId === alert.id).map((entry) => entry.subscriptionId).sort()).toEqual(SUBSCRIPTIONS);
    expect(alert.notifiedAt).toEqual(expect.any(String));
    expect(alert.deliveredTo).toEqual(SUBSCRIPTIONS);
  }
  expect(outbox).toHaveLength(alerts.length * SUBSCRIPTIONS.length);
}

async function expectChecked(chain: Chain, messageIds: string[]): Promise<void> {
  expect([...(await chain.repository.checkedMessageIds(messageIds))].sort()).toEqual([...messageIds].sort());
  expect(await chain.repository.pendingChecks(new Date(Date.now() + 60_000).toISOString())).toEqual([]);
}

describe('the projection hands off every unchecked message, whatever failed before', () => {
  let chain: Chain;
  beforeAll(async () => {
    chain = await startChain();
  });
  afterAll(() => chain.close());

  it('Step Functions throttled on the 2nd of 5 StartExecutions: the retry starts what is unchecked', async () => {
    const ids = ['wamid.SFN1', 'wamid.SFN2', 'wamid.SFN3', 'wamid.SFN4', 'wamid.SFN5'];
    const key = await chain.archiveWebhook(keywordWebhook(ids));
    chain.failStartExecution(2, new SFNServiceException({ name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: 'Rate exceeded' }));
    await expect(chain.project(key)).rejects.toThrow('Rate exceeded');
    expect(await chain.repository.projectedKeys([key])).toEqual(new Set());
    await chain.settle();

    const summary = await chain.project(key);
    expect(summary).toMatchObject({ created: 0, duplicates: 5 + 1 });
    await chain.settle();
    // Every message was started at least once across both attempts, with the exact input.
    const startedIds = new Set(chain.started.map((input) => (JSON.parse(input) as { messageId: string }).messageId));
    expect([...startedIds].filter((id) => ids.includes(id)).sort()).toEqual(ids);
    expect(chain.started.every((input) => Object.keys(JSON.parse(input)).join() === 'messageId')).toBe(true);
    await expectChecked(chain, ids);
    await expectDeliveredOnceEach(chain, ids);

    // A third projection (a replay) finds everything checked and starts nothing.
    const before = chain.started.length;
    await chain.project(key);
    expect(chain.started.length).toBe(before);
  });

  it('DynamoDB throttled on the 3rd record of a webhook: the retry checks the records saved before the fault', async () => {
    const ids = ['wamid.DDB1', 'wamid.DDB2', 'wamid.DDB3', 'wamid.DDB4', 'wamid.DDB5'];
    const key = await chain.archiveWebhook(keywordWebhook(ids, { contact: '5511987650002' }));
    let fired = false;
    chain.setDynamoFault((command, input) => {
      if (!fired && command === 'UpdateItemCommand' && input.Key?.pk === 'MSG#wamid.DDB3' && String(input.ConditionExpression).includes('contentHash')) {
        fired = true;
        return throttled();
      }
      return undefined;
    });
    await expect(chain.project(key)).rejects.toThrow('Throughput exceeds');
    chain.setDynamoFault(undefined);
    expect(fired).toBe(true);
    await chain.settle();
    // Saved but never handed off: the old projection would never have checked these four.
    expect((await chain.repository.checkedMessageIds(ids)).size).toBe(0);

    await chain.project(key);
    await chain.settle();
    await expectChecked(chain, ids);
    const alerts = (await openAlerts(chain)).filter((alert) => ids.includes(alert.messageId));
    expect(alerts).toHaveLength(5);
    const outbox = chain.outbox().filter((entry) => alerts.some((alert) => alert.id === entry.alertId));
    expect(outbox).toHaveLength(5 * SUBSCRIPTIONS.length);
    expect(new Set(outbox.map((entry) => `${entry.alertId}/${entry.subscriptionId}`)).size).toBe(outbox.length);
  });

  it('a message whose flow was never started is found by the re-drive after its grace period, not before', async () => {
    const key = await chain.archiveWebhook(keywordWebhook(['wamid.LOST1'], { contact: '5511987650003' }));
    // Step Functions refuses every start of this projection, and the projection's retries are gone.
    chain.failStartExecution(1, new SFNServiceException({ name: 'ServiceUnavailable', $fault: 'server', $metadata: { httpStatusCode: 503 }, message: 'unavailable' }));
    await expect(chain.project(key)).rejects.toThrow('unavailable');
    expect((await chain.redrive(3_600_000)).checksRedriven).toEqual([]);
    const summary = await chain.redrive(0);
    expect(summary.checksRedriven).toEqual(['wamid.LOST1']);
    await chain.settle();
    expect(await chain.repository.checkedMessageIds(['wamid.LOST1'])).toEqual(new Set(['wamid.LOST1']));
    expect((await chain.redrive(0)).checksRedriven).toEqual([]);
  });
});

describe('every alert reaches every matching subscription once', () => {
  const snsMock = mockClient(SNSClient);
  let chain: Chain;
  beforeAll(async () => {
    chain = await startChain({ publisher: () => new SnsAlertPublisher(new SNSClient({ region: 'us-east-1', maxAttempts: 1 }), 'arn:aws:sns:us-east-1:111122223333:alerts') });
  });
  afterEach(() => snsMock.reset());
  afterAll(async () => {
    snsMock.restore();
    await chain.close();
  });

  const kmsThrottled = () => new SNSServiceException({ name: 'KMSThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: 'KMS throttled the request' });

  it('SNS failing on the first publish: Notify is retried and publishes each subscription once', async () => {
    snsMock.on(PublishCommand).rejectsOnce(kmsThrottled()).resolves({ MessageId: 'm' });
    const key = await chain.archiveWebhook(keywordWebhook(['wamid.SNS1'], { contact: '5511987650010' }));
    await chain.project(key);
    await chain.settle();
    const calls = snsMock.commandCalls(PublishCommand).map((call) => call.args[0].input);
    // 1 refused, then one per subscription, each naming the one subscription meant.
    expect(calls).toHaveLength(1 + SUBSCRIPTIONS.length);
    expect(calls.slice(1).map((input) => input.MessageAttributes?.subscription?.StringValue).sort()).toEqual(SUBSCRIPTIONS);
    for (const input of calls) {
      expect(input.TopicArn).toBe('arn:aws:sns:us-east-1:111122223333:alerts');
      expect(input.MessageAttributes).toMatchObject({ team: { DataType: 'String', StringValue: 'ventas' }, severity: { StringValue: 'high' }, severityRank: { DataType: 'Number', StringValue: '3' } });
    }
    const [alert] = (await openAlerts(chain)).filter((candidate) => candidate.messageId === 'wamid.SNS1');
    expect(alert.deliveredTo).toEqual(SUBSCRIPTIONS);
    expect(alert.notifiedAt).toEqual(expect.any(String));
  });

  it('SNS down past every retry: the flow fails, the alert stays pending, the re-drive sends only what is missing', async () => {
    // The first subscription gets through, then SNS fails for the rest of the flow's attempts.
    snsMock.on(PublishCommand).resolvesOnce({ MessageId: 'first' }).rejects(kmsThrottled());
    const key = await chain.archiveWebhook(keywordWebhook(['wamid.SNS2'], { contact: '5511987650011' }));
    await chain.project(key);
    await chain.settle();
    const [pending] = (await openAlerts(chain)).filter((candidate) => candidate.messageId === 'wamid.SNS2');
    expect(pending.notifiedAt).toBeUndefined();
    expect(pending.deliveredTo).toEqual([SUBSCRIPTIONS[0]]);
    // The message itself was checked (the alert exists): only the delivery is left.
    expect(await chain.repository.checkedMessageIds(['wamid.SNS2'])).toEqual(new Set(['wamid.SNS2']));

    snsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: 'later' });
    expect((await chain.redrive(3_600_000)).unnotifiedAlerts).toBe(0);
    const summary = await chain.redrive(0);
    expect(summary).toMatchObject({ unnotifiedAlerts: 1, alertsDelivered: [pending.id], alertDeliveryFailures: [] });
    const resent = snsMock.commandCalls(PublishCommand).map((call) => call.args[0].input.MessageAttributes?.subscription?.StringValue);
    expect(resent.sort()).toEqual(SUBSCRIPTIONS.slice(1));
    const [after] = (await openAlerts(chain)).filter((candidate) => candidate.messageId === 'wamid.SNS2');
    expect(after.deliveredTo).toEqual(SUBSCRIPTIONS);
    expect(after.notifiedAt).toEqual(expect.any(String));
    expect((await chain.redrive(0)).unnotifiedAlerts).toBe(0);
  });
});

describe('a crash between the alert and its notification', () => {
  let chain: Chain;
  beforeAll(async () => {
    chain = await startChain();
  });
  afterAll(() => chain.close());

  it('the re-drive notifies it; a re-run of the flow and a crash after one delivery send nothing twice', async () => {
    const key = await chain.archiveWebhook(keywordWebhook(['wamid.CRASH1'], { contact: '5511987650020' }));
    // The projection saves the message; its flow runs up to Record, then the process dies.
    await chain.project(key, { compliance: { start: async () => undefined } });
    const prepared = await prepare({ messageId: 'wamid.CRASH1' }, { archive: chain.repository, config: chain.config });
    const checked = { ...prepared, checks: [await ruleChecks(prepared, { config: chain.config, fingerprintKey: async () => 'k'.repeat(32) })] };
    const recorded = await record(checked, { archive: chain.repository, alerts: chain.alerts });
    expect(recorded.alertIds).toHaveLength(1);
    const [alert] = (await openAlerts(chain)).filter((candidate) => candidate.messageId === 'wamid.CRASH1');
    // One subscription was delivered just before the crash, its record of it was not written.
    const first = subscriptionsFromConfig(chain.config).find((subscription) => subscription.id === SUBSCRIPTIONS[0])!;
    await chain.publisher.deliver(alert, { subject: 's', email: 'e', sms: 't' }, first);
    expect(chain.outbox()).toHaveLength(1);

    // After the restart (a new publisher reads the outbox), the re-drive delivers what is missing.
    const restarted = await startChainPublisher(chain);
    const summary = await restarted.redrive();
    expect(summary.alertsDelivered).toEqual([alert.id]);
    await expectDeliveredOnceEach(chain, ['wamid.CRASH1']);

    // The flow started again for the message (a duplicate start) records and notifies nothing new.
    await chain.runner.send([JSON.stringify({ messageId: 'wamid.CRASH1' })]);
    await chain.settle();
    await expectDeliveredOnceEach(chain, ['wamid.CRASH1']);
  });

  /** The re-drive as the restarted process runs it: its own publisher over the same outbox file. */
  async function startChainPublisher(current: Chain) {
    const { redrive } = await import('../../shared/compliance/redrive');
    const publisher = new OutboxAlertPublisher(current.outboxFile);
    return {
      redrive: () =>
        redrive({
          archive: current.repository,
          alerts: current.alerts,
          publisher,
          config: current.config,
          compliance: { start: async () => undefined },
          settings: { checkGraceMs: 0, notifyGraceMs: 0, uncheckedAlarmAfterMs: 3_600_000, maxCheckRedrives: 3 },
        }),
    };
  }
});

describe('history backfill and re-drive limits', () => {
  let chain: Chain;
  beforeAll(async () => {
    chain = await startChain();
  });
  afterAll(() => chain.close());

  const history = (id: string, contact: string) => ({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'waba-chain',
        changes: [
          {
            field: 'history',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '5511940000001', phone_number_id: '106540352242922' },
              history: [
                {
                  metadata: { phase: 1, chunk_order: 1, progress: 40 },
                  threads: [{ id: contact, messages: [{ from: contact, id, timestamp: '1750000000', type: 'text', text: { body: 'a tabela confidencial de março' }, history_context: { status: 'READ' } }] }],
                },
              ],
            },
          },
        ],
      },
    ],
  });

  it('checks history backfill and records its alerts as backfill, open, never notified', async () => {
    const key = await chain.archiveWebhook(history('wamid.HIST1', '5511987650030'));
    await chain.project(key);
    await chain.settle();
    const [alert] = (await openAlerts(chain)).filter((candidate) => candidate.messageId === 'wamid.HIST1');
    expect(alert).toMatchObject({ backfill: true, status: 'open', policyId: 'confidential-terms' });
    expect(alert.notifiedAt).toBeUndefined();
    expect(chain.outbox().filter((entry) => entry.alertId === alert.id)).toEqual([]);
    expect((await chain.redrive(0)).unnotifiedAlerts).toBe(0);
    expect(chain.outbox().filter((entry) => entry.alertId === alert.id)).toEqual([]);
  });

  it('compliance.history: skip leaves history unchecked and off the re-drive', async () => {
    const key = await chain.archiveWebhook(history('wamid.HIST2', '5511987650031'));
    const before = chain.started.length;
    await chain.project(key, { checkHistory: false });
    expect(chain.started.length).toBe(before);
    expect((await chain.redrive(0)).checksRedriven).toEqual([]);
    expect(await chain.repository.checkedMessageIds(['wamid.HIST2'])).toEqual(new Set());
  });

  it('stops re-driving a message after maxCheckRedrives and keeps counting it', async () => {
    const key = await chain.archiveWebhook(keywordWebhook(['wamid.POISON'], { contact: '5511987650032' }));
    // Saved, but every flow of it fails before Record (the check can never complete).
    await chain.project(key, { compliance: { start: async () => undefined } });
    chain.setDynamoFault((command, input) => (command === 'GetItemCommand' && input.Key?.pk === 'MSG#wamid.POISON' ? throttled() : undefined));
    try {
      for (let run = 1; run <= 3; run++) {
        expect((await chain.redrive(0)).checksRedriven).toEqual(['wamid.POISON']);
        await chain.settle();
      }
      const summary = await chain.redrive(0);
      expect(summary.checksRedriven).toEqual([]);
      expect(summary.checksGivenUp).toEqual(['wamid.POISON']);
    } finally {
      chain.setDynamoFault(undefined);
    }
  });

  it('hands disclosure candidates over on every projection: the claim decides, not whether the record was new', async () => {
    const handed: string[][] = [];
    const key = await chain.archiveWebhook(keywordWebhook(['wamid.DISC1'], { contact: '5511987650033', text: 'oi', timestamp: Math.floor(Date.now() / 1000) - 30 }));
    const disclosure = { start: async (ids: string[]) => void handed.push(ids) };
    await chain.project(key, { disclosure });
    await chain.project(key, { disclosure });
    expect(handed).toEqual([['wamid.DISC1'], ['wamid.DISC1']]);
    await chain.settle();
  });
});

it('the chain config has the three subscriptions the assertions expect', () => {
  expect(subscriptionsFromConfig(chainConfig()).map((subscription) => subscription.id).sort()).toEqual(SUBSCRIPTIONS);
});
