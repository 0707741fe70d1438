import type { Alert, CheckResults, FileFacts, FlowState, MessageContext } from './model';
import type { MediaItem } from '../media/media';
import type { ArchiveRepository } from '../capture/ports/archive-repository';
import type { MediaRepository } from '../media/ports/media-repository';
import type { VigiaConfig } from '../config/vigia-config';
import { lineOf } from '../config/vigia-config';
import { alertsFrom } from './alerts';
import type { CheckResult, Fingerprint, RuleInput } from './policies/policy-kind';
import type { Redaction } from './normalize-text';
import { fingerprint } from './policies/pii/detectors';
import { piiDetectorsOf, redactionsWith } from './policies/pii/redaction';
import { POLICY_KINDS, policiesOf } from './policies/registry';
import { checkSentiment } from './policies/sentiment';
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
    s3Key: item.s3Key,
  };
}

type RuleRunner = [kind: string, run: (input: RuleInput) => CheckResult | undefined];

const ruleRunners = new WeakMap<VigiaConfig, RuleRunner[]>();

/** The rule checks of every kind that runs in RuleChecks, compiled once per config (per Lambda container). */
function ruleRunnersOf(config: VigiaConfig): RuleRunner[] {
  let runners = ruleRunners.get(config);
  if (!runners) {
    runners = POLICY_KINDS.flatMap((kind): RuleRunner[] => (kind.check.runsIn === 'RuleChecks' ? [[kind.kind, kind.check.compile(policiesOf(config.policies, kind.kind))]] : []));
    ruleRunners.set(config, runners);
  }
  return runners;
}

/** The key of the fingerprints, read only when a kind needs it (a config with pii policies). */
export interface FingerprintKeyDependencies {
  config: VigiaConfig;
  fingerprintKey: () => Promise<string>;
}

const redactions = new WeakMap<VigiaConfig, (text: string) => readonly Redaction[]>();

/** What alert excerpts show masked: the personal data the config's pii policies look for. */
export function redactionsOf(config: VigiaConfig): (text: string) => readonly Redaction[] {
  let redact = redactions.get(config);
  if (!redact) {
    redact = redactionsWith(piiDetectorsOf(config.policies));
    redactions.set(config, redact);
  }
  return redact;
}

export async function fingerprintOf(deps: FingerprintKeyDependencies): Promise<Fingerprint> {
  if (!deps.config.policies.some((policy) => policy.kind === 'pii')) return () => '';
  const key = await deps.fingerprintKey();
  return (finding) => fingerprint(finding, key);
}

/** RuleChecks: the kinds whose checks are pure computation on the message (keyword, file and pii policies; no AWS but the fingerprint key). */
export async function ruleChecks(state: FlowState, deps: FingerprintKeyDependencies): Promise<Omit<CheckResults, 'errors'>> {
  const context = requireContext(state);
  const input: RuleInput = {
    context,
    scope: { direction: context.direction, team: context.team },
    file: state.file,
    mediaError: state.mediaError,
    fingerprint: await fingerprintOf(deps),
    redactionsOf: redactionsOf(deps.config),
  };
  const results: Record<string, CheckResult> = {};
  for (const [kind, run] of ruleRunnersOf(deps.config)) {
    const result = run(input);
    if (result) results[kind] = result;
  }
  return results as Omit<CheckResults, 'errors'>;
}

/** SentimentCheck: offline analyzer, Comprehend, or both (config `sentiment.analyzer`). */
export async function sentimentCheck(state: FlowState, deps: { analyzer: SentimentAnalyzer; config: VigiaConfig }): Promise<Pick<CheckResults, 'sentiment'>> {
  const context = requireContext(state);
  return { sentiment: await checkSentiment(policiesOf(deps.config.policies, 'sentiment'), context, deps.analyzer) };
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
    for (const { kind } of POLICY_KINDS) {
      const result = branch[kind];
      if (result) (results as Record<string, CheckResult>)[kind] = mergeResults((results as Record<string, CheckResult>)[kind], result);
    }
    if (branch.fileText) results.fileText = branch.fileText;
    if (branch.sentimentError) errors.sentiment = `${branch.sentimentError.Error}: ${(branch.sentimentError.Cause ?? '').slice(0, 300)}`;
    if (branch.fileContentError) errors.fileContent = `${branch.fileContentError.Error}: ${(branch.fileContentError.Cause ?? '').slice(0, 300)}`;
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

/** A kind's results from two branches (the message's text and its file's): the hits of both, the text's other fields first. */
function mergeResults(earlier: CheckResult | undefined, later: CheckResult): CheckResult {
  if (!earlier) return later;
  const { skipped: _skipped, ...merged } = { ...later, ...earlier, hits: [...earlier.hits, ...later.hits] };
  const skipped = earlier.skipped && later.skipped ? earlier.skipped : undefined;
  return skipped ? { ...merged, skipped } : merged;
}

export function requireContext(state: FlowState): MessageContext {
  if (!state.context) throw new MessageNotFoundError(`flow state for ${state.messageId} has no context (Prepare did not run)`);
  return state.context;
}
