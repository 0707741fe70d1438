import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { describe, expect, it } from 'vitest';
import { VIGIA_METRICS } from '../../shared/observability/metric-names';
import { metrics } from '../../shared/observability/powertools';

// The media alarms match a custom metric by namespace, name and the exact set of dimensions.
// This checks, with the functions' own Metrics singleton, that what they publish is what the
// alarms watch. POWERTOOLS_METRICS_NAMESPACE is unset here: the singleton's fallback is used,
// and the PipelineStack test checks the functions get the same value from PipelineFunction.
describe('VIGIA_METRICS', () => {
  it('matches the namespace and dimensions of the EMF metrics the functions publish', () => {
    metrics.addMetric(VIGIA_METRICS.mediaOverdue, MetricUnit.Count, 2);
    const emf = metrics.serializeMetrics();
    metrics.clearMetrics();

    expect(emf._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: VIGIA_METRICS.namespace,
        Dimensions: [Object.keys(VIGIA_METRICS.dimensions)],
        Metrics: [{ Name: 'MediaOverdue', Unit: 'Count' }],
      },
    ]);
    expect(emf).toMatchObject({ ...VIGIA_METRICS.dimensions, MediaOverdue: 2 });
  });
});
