import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { VIGIA_METRICS } from '../../shared/observability/metric-names';

/**
 * The alarm settings most Vigia alarms share: one datapoint at or above 1 is a breach, and missing
 * data (no traffic, no runs) is not.
 */
export const AT_LEAST_ONCE = {
  threshold: 1,
  evaluationPeriods: 1,
  comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
} as const;

/**
 * A custom metric the functions publish (Powertools EMF): the Vigia namespace and the `service`
 * dimension Powertools adds (see VIGIA_METRICS), plus `dimensions` if given, over one hour.
 */
export function vigiaMetric(metricName: string, statistic: string, dimensions: Record<string, string> = {}): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: VIGIA_METRICS.namespace,
    metricName,
    dimensionsMap: { ...VIGIA_METRICS.dimensions, ...dimensions },
    statistic,
    period: Duration.hours(1),
  });
}

/** An alarm on `metric` in `scope` that breaches at its first datapoint at or above 1 (AT_LEAST_ONCE). */
export function atLeastOnceAlarm(scope: Construct, id: string, metric: cloudwatch.IMetric, alarmDescription: string): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, id, { metric, ...AT_LEAST_ONCE, alarmDescription });
}
