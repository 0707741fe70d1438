import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { VIGIA_METRICS } from '../../shared/observability/metric-names';
import { metrics } from '../../shared/observability/powertools';
import { sentimentCheck } from '../../shared/compliance/flow-tasks';
import { sentimentCheckDependencies } from './dependencies/sentiment-check';
import { flowTask } from './task-handler';

const dependencies = sentimentCheckDependencies();

/** Comprehend's throttling errors (the state machine retries them; see COMPREHEND_RETRYABLE_ERRORS). */
const THROTTLING_ERRORS = new Set(['ThrottlingException', 'TooManyRequestsException']);

export const handler = flowTask('SentimentCheck', async (state) => {
  try {
    return await sentimentCheck(state, dependencies);
  } catch (error) {
    // Counted before the flow retries it: the alarm on it says the account's Comprehend quota is too small.
    if (error instanceof Error && THROTTLING_ERRORS.has(error.name)) {
      metrics.singleMetric().addMetric(VIGIA_METRICS.comprehendThrottled, MetricUnit.Count, 1);
    }
    throw error;
  }
});
