import { ComprehendClient } from '@aws-sdk/client-comprehend';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { VIGIA_METRICS } from '../../shared/observability/metric-names';
import { sentimentAnalyzerFor } from '../../shared/compliance/sentiment';
import { configFromEnvironment } from '../../shared/config/vigia-config';
import { metrics } from '../../shared/observability/powertools';
import { sentimentCheck } from '../../shared/compliance/flow-tasks';
import { flowTask } from './task-handler';

const config = configFromEnvironment();
const { analyzer: mode, minLetters, comprehendRegion } = config.sentiment;
// Locally (VIGIA_OFFLINE_SENTIMENT=1) nothing leaves the machine: the offline analyzer decides alone.
const analyzer =
  process.env.VIGIA_OFFLINE_SENTIMENT === '1' || mode === 'offline'
    ? sentimentAnalyzerFor('offline', undefined, { minLetters })
    : sentimentAnalyzerFor(mode, new ComprehendClient(comprehendRegion ? { region: comprehendRegion } : {}), { minLetters });

/** Comprehend's throttling errors (the state machine retries them; see COMPREHEND_RETRYABLE_ERRORS). */
const THROTTLING_ERRORS = new Set(['ThrottlingException', 'TooManyRequestsException']);

export const handler = flowTask('SentimentCheck', async (state) => {
  try {
    return await sentimentCheck(state, { analyzer, config });
  } catch (error) {
    // Counted before the flow retries it: the alarm on it says the account's Comprehend quota is too small.
    if (error instanceof Error && THROTTLING_ERRORS.has(error.name)) {
      metrics.singleMetric().addMetric(VIGIA_METRICS.comprehendThrottled, MetricUnit.Count, 1);
    }
    throw error;
  }
});
