import { ComprehendClient } from '@aws-sdk/client-comprehend';
import { sentimentAnalyzerFor } from '../../shared/compliance/sentiment';
import { configFromEnvironment } from '../../shared/config/vigia-config';
import { sentimentCheck } from './flow-tasks';
import { flowTask } from './task-handler';

const config = configFromEnvironment();
const { analyzer: mode, minLetters, comprehendRegion } = config.sentiment;
// Locally (VIGIA_OFFLINE_SENTIMENT=1) nothing leaves the machine: the offline analyzer decides alone.
const analyzer =
  process.env.VIGIA_OFFLINE_SENTIMENT === '1' || mode === 'offline'
    ? sentimentAnalyzerFor('offline', undefined, { minLetters })
    : sentimentAnalyzerFor(mode, new ComprehendClient(comprehendRegion ? { region: comprehendRegion } : {}), { minLetters });

export const handler = flowTask('SentimentCheck', (state) => sentimentCheck(state, { analyzer, config }));
