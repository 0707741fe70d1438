import { ComprehendClient, DetectSentimentCommand, TooManyRequestsException } from '@aws-sdk/client-comprehend';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Context } from 'aws-lambda';
import { VIGIA_METRICS } from '../../shared/observability/metric-names';
import { resetConfigFromEnvironment } from '../../shared/config/vigia-config';
import type { FlowState } from '../../shared/compliance/model';

// The sentiment task as deployed with `analyzer: comprehend`: every message goes to Comprehend.
const CONFIG = {
  lines: [{ phoneNumberId: '106540352242922', employee: 'Ana Souza', team: 'ventas' }],
  teams: [{ id: 'ventas', managers: [{ name: 'Carla Lima', email: 'carla@example.com' }] }],
  policies: [{ id: 'angry-conversation', kind: 'sentiment', severity: 'low', sentiment: 'NEGATIVE', minScore: 0.8 }],
  sentiment: { analyzer: 'comprehend' },
};

const state: FlowState = {
  messageId: 'wamid.throttled',
  context: {
    messageId: 'wamid.throttled',
    lineId: '106540352242922',
    team: 'ventas',
    direction: 'inbound',
    source: 'customer',
    type: 'text',
    text: 'Estou muito insatisfeito com o atendimento de vocês',
    timestamp: '2026-11-28T12:00:00.000Z',
  },
};
const context = { functionName: 'ComplianceSentiment', awsRequestId: 'req-1' } as Context;

describe('the sentiment task when Comprehend throttles (ComprehendThrottledAlarm)', () => {
  const comprehend = mockClient(ComprehendClient);
  let handler: (event: FlowState, context: Context) => Promise<unknown>;
  const printed: string[] = [];

  beforeAll(async () => {
    vi.stubEnv('VIGIA_CONFIG_JSON', JSON.stringify(CONFIG));
    vi.stubEnv('VIGIA_OFFLINE_SENTIMENT', '');
    vi.stubEnv('AWS_REGION', 'us-east-1');
    resetConfigFromEnvironment();
    ({ handler } = await import('../../functions/compliance/sentiment-check'));
  });
  afterEach(() => {
    comprehend.reset();
    printed.length = 0;
    vi.restoreAllMocks();
  });
  afterAll(() => {
    vi.unstubAllEnvs();
    resetConfigFromEnvironment();
  });

  /** The EMF documents Powertools printed (one JSON object per stdout line). */
  const emfDocuments = () =>
    printed
      .flatMap((chunk) => chunk.split('\n'))
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line) as Record<string, any>);

  const capture = () =>
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });

  it.each([
    ['ThrottlingException', () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })],
    ['TooManyRequestsException', () => new TooManyRequestsException({ message: 'Too many requests', $metadata: {} })],
  ])('counts one ComprehendThrottled on %s and rethrows it by name, for the state machine to retry', async (name, error) => {
    comprehend.on(DetectSentimentCommand).rejects(error());
    capture();
    await expect(handler(state, context)).rejects.toMatchObject({ name });
    const throttled = emfDocuments().filter((document) => VIGIA_METRICS.comprehendThrottled in document);
    expect(throttled).toHaveLength(1);
    expect(throttled[0]).toMatchObject({ [VIGIA_METRICS.comprehendThrottled]: 1 });
    expect(throttled[0]!._aws.CloudWatchMetrics[0].Namespace).toBe(VIGIA_METRICS.namespace);
  });

  it('counts nothing for another Comprehend error, which is still thrown', async () => {
    comprehend.on(DetectSentimentCommand).rejects(Object.assign(new Error('bad text'), { name: 'TextSizeLimitExceededException' }));
    capture();
    await expect(handler(state, context)).rejects.toMatchObject({ name: 'TextSizeLimitExceededException' });
    expect(emfDocuments().filter((document) => VIGIA_METRICS.comprehendThrottled in document)).toEqual([]);
  });

  it('sends Comprehend the message text in the detected language', async () => {
    comprehend.on(DetectSentimentCommand).resolves({ Sentiment: 'NEGATIVE', SentimentScore: { Negative: 0.93, Positive: 0.01, Neutral: 0.04, Mixed: 0.02 } });
    capture();
    const result = (await handler(state, context)) as { sentiment: { hits: unknown[] } };
    expect(comprehend.commandCalls(DetectSentimentCommand)[0]!.args[0].input).toMatchObject({ Text: state.context!.text, LanguageCode: 'pt' });
    expect(result.sentiment.hits).toHaveLength(1);
  });
});
