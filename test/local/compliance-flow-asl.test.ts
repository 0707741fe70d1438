import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { complianceFlowAsl } from '../../infra/compliance-asl';
import { complianceRunner, type ComplianceTaskHandlers } from '../../local/compliance-runner';
import { parseVigiaConfig } from '../../shared/config/vigia-config';
import type { FlowState } from '../../shared/compliance/model';
import { repoRoot } from '../helpers/paths';

/**
 * The ASL the CDK stack deploys, run by aws-local-stepfunctions with stand-in tasks: proves the
 * Retry/Catch wiring behaves, not only that it is declared.
 */
const config = parseVigiaConfig(readFileSync(join(repoRoot, 'vigia.config.yaml'), 'utf8'), 'vigia.config.yaml');
const asl = complianceFlowAsl(config);

function handlers(overrides: Partial<ComplianceTaskHandlers> = {}) {
  const calls: string[] = [];
  const track = (name: string, result: (state: FlowState) => unknown) => async (state: FlowState) => {
    calls.push(name);
    return result(state);
  };
  const base: ComplianceTaskHandlers = {
    prepare: track('Prepare', (state) => ({ messageId: state.messageId, context: { messageId: state.messageId, lineId: 'L', direction: 'inbound', source: 'cloud_api', type: 'text', text: 'oi', timestamp: 't' } })),
    fetchMedia: track('FetchMedia', (state) => state),
    ruleChecks: track('RuleChecks', () => ({ keyword: { hits: [] } })),
    sentimentCheck: track('SentimentCheck', () => ({ sentiment: { hits: [], skipped: 'no text' } })),
    fileContentCheck: track('FileContentCheck', () => ({})),
    record: track('Record', (state) => (state.failure ? { ...state, recorded: 'failure' } : { ...state, newAlertIds: [] })),
    notify: track('Notify', (state) => state),
  };
  return { calls, all: { ...base, ...overrides } };
}

async function run(all: ComplianceTaskHandlers, messageId = 'wamid.asl') {
  const runner = complianceRunner(asl, all, { retryIntervalMs: 1 });
  await runner.send([JSON.stringify({ messageId })]);
  await runner.queue.drained();
  return runner.failures;
}

describe('the compliance flow definition (as deployed) run locally', () => {
  it('runs Prepare, the checks, Record and Notify for a text message, with no function invoked for a file it has not', async () => {
    let recorded: FlowState | undefined;
    const { calls, all } = handlers({
      record: async (state) => {
        recorded = state;
        return { ...state, newAlertIds: [] };
      },
    });
    expect(await run(all)).toEqual([]);
    const checks = ['RuleChecks', 'SentimentCheck'];
    expect(calls.filter((name) => !checks.includes(name))).toEqual(['Prepare', 'Notify']);
    expect(calls).toEqual(expect.arrayContaining(checks));
    expect(calls).not.toContain('FileContentCheck');
    expect(recorded!.checks).toContainEqual({});
  });

  it('reads the text of a stored file, and goes on without it when FileContentCheck fails, recording the error', async () => {
    let recorded: FlowState | undefined;
    const { calls, all } = handlers({
      prepare: async (state) => ({ messageId: state.messageId, context: { messageId: state.messageId, lineId: 'L', direction: 'outbound', source: 'cloud_api', type: 'document', timestamp: 't', mediaId: 'M1' } }),
      fetchMedia: async (state) => ({ ...state, file: { mediaId: 'M1', state: 'stored', s3Key: 'media/sha256/x' } }),
      fileContentCheck: async () => {
        calls.push('FileContentCheck');
        throw Object.assign(new Error('Please reduce your request rate.'), { name: 'SlowDown' });
      },
      record: async (state) => {
        recorded = state;
        return { ...state, newAlertIds: [] };
      },
    });
    expect(await run(all)).toEqual([]);
    // Tried, then retried on SlowDown, then caught.
    expect(calls.filter((name) => name === 'FileContentCheck').length).toBeGreaterThan(1);
    expect(recorded!.checks!.find((branch) => branch.fileContentError)?.fileContentError?.Error).toBe('SlowDown');
    expect(recorded!.checks!.some((branch) => branch.keyword)).toBe(true);
  });

  it('retries SentimentCheck on ThrottlingException and then succeeds', async () => {
    let attempts = 0;
    const { all } = handlers({
      sentimentCheck: async () => {
        attempts += 1;
        if (attempts < 3) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
        return { sentiment: { hits: [] } };
      },
    });
    expect(await run(all)).toEqual([]);
    expect(attempts).toBe(3);
  });

  it('goes on without sentiment when Comprehend keeps failing, and records the error', async () => {
    let recorded: FlowState | undefined;
    const { all } = handlers({
      sentimentCheck: async () => {
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      },
      record: async (state) => {
        recorded = state;
        return { ...state, newAlertIds: [] };
      },
    });
    expect(await run(all)).toEqual([]);
    expect(recorded!.checks!.some((branch) => branch.sentimentError?.Error === 'ThrottlingException')).toBe(true);
  });

  it('fetches media first when the message has a file, and continues when the fetch fails', async () => {
    let fetchAttempts = 0;
    let recorded: FlowState | undefined;
    const { calls, all } = handlers({
      prepare: async (state) => ({ messageId: state.messageId, context: { messageId: state.messageId, lineId: 'L', direction: 'inbound', source: 'cloud_api', type: 'document', timestamp: 't', mediaId: 'M1' } }),
      fetchMedia: async () => {
        fetchAttempts += 1;
        throw Object.assign(new Error('Graph API down'), { name: 'GraphApiError' });
      },
      record: async (state) => {
        recorded = state;
        return { ...state, newAlertIds: [] };
      },
    });
    expect(await run(all)).toEqual([]);
    expect(fetchAttempts).toBe(2); // first try + 1 retry
    expect(recorded!.mediaError?.Error).toBe('GraphApiError');
    // RuleChecks, SentimentCheck and FileContentCheck, one output each.
    expect(recorded!.checks).toHaveLength(3);
    expect(calls).toContain('Notify');
  });

  it('records the failure and fails the execution when Prepare fails', async () => {
    let failure: FlowState['failure'];
    const { all } = handlers({
      prepare: async () => {
        throw Object.assign(new Error('message wamid.x is not in the archive'), { name: 'MessageNotFoundError' });
      },
      record: async (state) => {
        failure = state.failure;
        return state;
      },
    });
    const failures = await run(all);
    expect(failures).toHaveLength(1);
    expect(failure?.Error).toBe('MessageNotFoundError');
  });
});
