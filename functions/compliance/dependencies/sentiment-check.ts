import { ComprehendClient } from '@aws-sdk/client-comprehend';
import { sentimentAnalyzerFor } from '../../../shared/compliance/sentiment-analyzer';
import { configFromEnvironment } from '../../../shared/config/vigia-config';

/** The SentimentCheck function's composition root: the analyzer the config asks for. */
export function sentimentCheckDependencies() {
  const config = configFromEnvironment();
  const { analyzer: mode, minLetters, comprehendRegion } = config.sentiment;
  // Locally (VIGIA_OFFLINE_SENTIMENT=1) nothing leaves the machine: the offline analyzer decides alone.
  const analyzer =
    process.env.VIGIA_OFFLINE_SENTIMENT === '1' || mode === 'offline'
      ? sentimentAnalyzerFor('offline', undefined, { minLetters })
      : sentimentAnalyzerFor(mode, new ComprehendClient(comprehendRegion ? { region: comprehendRegion } : {}), { minLetters });
  return { analyzer, config };
}
