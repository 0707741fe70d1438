import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { afterEach, expect, it, vi } from 'vitest';
import { metrics } from '../../shared/observability/powertools';

afterEach(() => vi.restoreAllMocks());

function printed(): string[] {
  const lines: string[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
  }
  return lines;
}

it('an invocation that adds no metric prints nothing; one that does still prints its EMF line', () => {
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  const lines = printed();
  metrics.publishStoredMetrics();
  expect(lines).toEqual([]);

  metrics.addMetric('WebhooksArchived', MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
  expect(lines).toHaveLength(1);
  expect(JSON.parse(lines[0])).toMatchObject({ WebhooksArchived: 1, _aws: { CloudWatchMetrics: [{ Namespace: 'Vigia' }] } });
  vi.unstubAllEnvs();
});
