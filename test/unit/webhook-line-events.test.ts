import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { lineEventsOf, receiveWebhook } from '../../shared/capture/receive-webhook';
import { VIGIA_METRICS } from '../../shared/observability/metric-names';
import { S3RawArchive } from '../../shared/capture/adapters/s3-raw-archive';
import { metrics } from '../../shared/observability/powertools';
import { signBody } from '../../shared/capture/whatsapp/signature';

const change = (phoneNumberId: string | undefined, field = 'messages') => ({
  field,
  value: { messaging_product: 'whatsapp', ...(phoneNumberId === undefined ? {} : { metadata: { display_phone_number: '1', phone_number_id: phoneNumberId } }) },
});
const envelope = (...changes: unknown[]) => ({ object: 'whatsapp_business_account', entry: [{ id: 'waba', changes }] });

describe('lineEventsOf (the capture-gap metric)', () => {
  it('counts the changes of every kind per line', () => {
    expect(lineEventsOf(envelope(change('106540352242922'), change('106540352242922', 'smb_message_echoes'), change('106540352242923', 'history')))).toEqual({
      '106540352242922': 2,
      '106540352242923': 1,
    });
  });

  it('ignores changes without a numeric phone number ID (never an arbitrary dimension value)', () => {
    expect(lineEventsOf(envelope(change(undefined), change('not-a-number'), change('1'.repeat(31))))).toEqual({});
  });
});

describe('receiveWebhook lineEvents', () => {
  const s3Mock = mockClient(S3Client);
  const secrets = async () => ({ appSecret: 'secret', verifyToken: 'token' });
  const archive = () => new S3RawArchive(new S3Client({ region: 'us-east-1' }), 'archive-bucket');
  beforeEach(() => {
    s3Mock.reset();
    s3Mock.on(PutObjectCommand).resolves({});
  });

  it('are reported for an archived webhook', async () => {
    const body = Buffer.from(JSON.stringify(envelope(change('106540352242922'))));
    const result = await receiveWebhook({ body, signature: signBody(body, 'secret') }, { secrets, archive: archive() });
    expect(result).toMatchObject({ outcome: 'archived', lineEvents: { '106540352242922': 1 } });
  });

  it('are not reported for a refused or rejected webhook', async () => {
    const body = Buffer.from(JSON.stringify(envelope(change('106540352242922'))));
    expect((await receiveWebhook({ body, signature: signBody(body, 'other') }, { secrets, archive: archive() })).lineEvents).toBeUndefined();
    const rejected = Buffer.from(JSON.stringify({ object: 'page', entry: [] }));
    const result = await receiveWebhook({ body: rejected, signature: signBody(rejected, 'secret') }, { secrets, archive: archive() });
    expect(result).toMatchObject({ outcome: 'rejected_archived' });
    expect(result.lineEvents).toBeUndefined();
  });
});

describe('the per-line metric', () => {
  it('carries exactly the service and LineId dimensions the capture-gap alarms watch', () => {
    // What the webhook handler does (publishLineEvents); a single metric publishes on addMetric:
    // the EMF it would print is captured instead.
    // As on Lambda (PipelineFunction sets it): the singleton's serviceName must still win.
    vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'Vigia');
    const lineMetric = metrics.singleMetric();
    vi.unstubAllEnvs();
    let emf: any;
    vi.spyOn(lineMetric, 'publishStoredMetrics').mockImplementation(() => {
      emf = lineMetric.serializeMetrics();
      return lineMetric;
    });
    lineMetric.addDimension(VIGIA_METRICS.lineDimension, '106540352242922');
    lineMetric.addMetric(VIGIA_METRICS.lineEventsReceived, MetricUnit.Count, 3);
    expect(emf._aws.CloudWatchMetrics).toEqual([
      { Namespace: VIGIA_METRICS.namespace, Dimensions: [['service', 'LineId']], Metrics: [{ Name: 'LineEventsReceived', Unit: 'Count' }] },
    ]);
    expect(emf).toMatchObject({ ...VIGIA_METRICS.dimensions, LineId: '106540352242922', LineEventsReceived: 3 });
  });
});
