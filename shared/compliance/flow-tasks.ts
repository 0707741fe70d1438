import type { Alert, CheckResults, FileFacts, FlowState, MessageContext } from './model';
import type { MediaItem } from '../media/media';
import type { ArchiveRepository } from '../capture/ports/archive-repository';
import type { MediaRepository } from '../media/ports/media-repository';
import type { VigiaConfig } from '../config/vigia-config';
import { appliesTo, lineOf } from '../config/vigia-config';
import { compileKeywordPolicies, type KeywordEngine } from './keyword-engine';
import { checkFile } from './file-rules';
import { alertsFrom, sentimentHits } from './alerts';
import { deliverAlert, type AlertDeliveryDependencies, type DeliveryOutcome } from './alert-delivery';
import type { SentimentAnalyzer } from './sentiment';

/**
 * The compliance flow's tasks as plain functions over ports. Each receives the flow state and
 * returns it extended (see FlowState); the Lambda handlers beside this file are thin wrappers.
 */

export class MessageNotFoundError extends Error {
  override readonly name = 'MessageNotFoundError';
}

/** Prepare: what the checks need to know about the message and its line. */
export async function prepare(state: FlowState, deps: { archive: ArchiveRepository; config: VigiaConfig }): Promise<FlowState> {
  const message = await deps.archive.getMessage(state.messageId);
  if (!message) throw new MessageNotFoundError(`message ${state.messageId} is not in the archive`);
  const line = lineOf(deps.config, message.lineId);
  const mediaId = typeof message.media?.mediaId === 'string' ? message.media.mediaId : undefined;
  const context: MessageContext = {
    messageId: message.id,
    lineId: message.lineId,
    employee: line?.employee,
    team: line?.team,
    contactId: message.contactId,
    direction: message.direction === 'outbound' ? 'outbound' : 'inbound',
    source: message.source,
    type: message.type,
    text: message.text,
    timestamp: message.timestamp,
    ...(mediaId ? { mediaId } : {}),
  };
  return { messageId: state.messageId, context };
}

/** FetchMedia: the file must be in the archive before the file rules can look at it. */
export async function fetchMediaForFlow(
  state: FlowState,
  deps: { media: MediaRepository; fetch: (mediaId: string) => Promise<unknown> },
): Promise<FlowState> {
  const mediaId = state.context?.mediaId;
  if (!mediaId) return state;
  await deps.fetch(mediaId);
  const item = await deps.media.get(mediaId);
  return { ...state, file: item ? fileFacts(item) : undefined };
}

export function fileFacts(item: MediaItem): FileFacts {
  return {
    state: item.state,
    filename: item.filename,
    extension: item.extension,
    declaredMime: item.declaredMime,
    sniffedMime: item.sniffedMime,
    size: item.size,
    hashVerified: item.hashVerified,
  };
}

const engines = new WeakMap<VigiaConfig, KeywordEngine>();

/** RuleChecks: keyword and file policies (pure, no AWS). */
export function ruleChecks(state: FlowState, config: VigiaConfig): Pick<CheckResults, 'keyword' | 'file'> {
  const context = requireContext(state);
  let engine = engines.get(config);
  if (!engine) {
    engine = compileKeywordPolicies(config.policies.filter((policy) => policy.kind === 'keyword'));
    engines.set(config, engine);
  }
  const scope = { direction: context.direction, team: context.team };
  const keyword = { hits: context.text ? engine.match(context.text, scope) : [] };
  if (!context.mediaId) return { keyword };
  const facts = state.file;
  if (!facts || facts.state !== 'stored') {
    return { keyword, file: { facts, hits: [], skipped: `file not stored (${facts?.state ?? state.mediaError?.Error ?? 'unknown'}); checked again once it is` } };
  }
  const filePolicies = config.policies.filter((policy) => policy.kind === 'file');
  return { keyword, file: { facts, hits: checkFile(filePolicies, facts, scope) } };
}

/** SentimentCheck: offline analyzer, Comprehend, or both (config `sentiment.analyzer`). */
export async function sentimentCheck(state: FlowState, deps: { analyzer: SentimentAnalyzer; config: VigiaConfig }): Promise<Pick<CheckResults, 'sentiment'>> {
  const context = requireContext(state);
  if (!context.text) return { sentiment: { hits: [], skipped: 'no text' } };
  const policies = deps.config.policies.filter((policy) => policy.kind === 'sentiment');
  if (policies.length === 0) return { sentiment: { hits: [], skipped: 'no sentiment policy' } };
  const scope = { direction: context.direction, team: context.team };
  const wanted = [...new Set(policies.filter((policy) => appliesTo(policy, scope)).map((policy) => policy.sentiment))];
  const analysis = await deps.analyzer.analyze(context.text, wanted);
  if ('skipped' in analysis) return { sentiment: { hits: [], skipped: analysis.skipped } };
  return { sentiment: { result: analysis, hits: sentimentHits(policies, analysis, scope) } };
}

export interface AlertStore {
  create(alert: Alert): Promise<boolean>;
}

/**
 * Record: one alert per (message, policy), then the results on the message, which marks it
 * checked — in that order, so a crash in between leaves the message unchecked and a re-run
 * creates what is missing. Passes on every alert of the check (new or not): Notify decides from
 * each alert's stored deliveries. Alerts of `history` backfill are marked `backfill` (never notified).
 */
export async function record(
  state: FlowState,
  deps: { archive: ArchiveRepository; alerts: AlertStore; now?: () => Date },
): Promise<FlowState> {
  const now = (deps.now?.() ?? new Date()).toISOString();
  if (state.failure) {
    await deps.archive.recordFlowFailure(state.messageId, state.failure, now);
    return state;
  }
  const context = requireContext(state);
  const results: CheckResults = {};
  const errors: Record<string, string> = {};
  for (const branch of state.checks ?? []) {
    if (branch.keyword) results.keyword = branch.keyword;
    if (branch.file) results.file = branch.file;
    if (branch.sentiment) results.sentiment = branch.sentiment;
    if (branch.sentimentError) errors.sentiment = `${branch.sentimentError.Error}: ${(branch.sentimentError.Cause ?? '').slice(0, 300)}`;
  }
  if (state.mediaError) errors.media = state.mediaError.Error;
  if (Object.keys(errors).length > 0) results.errors = errors;

  const alerts = alertsFrom(context, results, now).map((alert) => (context.source === 'history' ? { ...alert, backfill: true } : alert));
  for (const alert of alerts) await deps.alerts.create(alert);
  await deps.archive.recordCompliance(state.messageId, results, now);
  return { ...state, alertIds: alerts.map((alert) => alert.id) };
}

/** Notify: every alert of the check to each matching subscription that does not have it yet. */
export async function notify(state: FlowState, deps: AlertDeliveryDependencies): Promise<FlowState & { deliveries: DeliveryOutcome[] }> {
  const deliveries: DeliveryOutcome[] = [];
  for (const id of state.alertIds ?? []) deliveries.push(await deliverAlert(id, deps));
  return { ...state, deliveries };
}

function requireContext(state: FlowState): MessageContext {
  if (!state.context) throw new MessageNotFoundError(`flow state for ${state.messageId} has no context (Prepare did not run)`);
  return state.context;
}
