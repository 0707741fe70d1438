import type { Alert } from './model';
import type { ConsoleLanguage, VigiaConfig } from '../config/vigia-config';
import { consoleUrlOf, matchesFilterPolicy, notificationAttributes, renderNotification, subscriptionsFromConfig, type RenderedNotification, type Subscription } from './notifications';

/** Delivers one alert to one subscription (SNS on AWS, the outbox file locally). */
export interface AlertPublisher {
  deliver(alert: Alert, message: RenderedNotification, subscription: Subscription): Promise<void>;
}

/** Where an alert's deliveries are recorded (the alert item). */
export interface AlertDeliveryStore {
  get(id: string): Promise<Alert | undefined>;
  markDelivered(id: string, subscriptionId: string): Promise<void>;
  markNotified(id: string, at: string): Promise<boolean>;
}

export interface AlertDeliveryDependencies {
  alerts: AlertDeliveryStore;
  publisher: AlertPublisher;
  config: VigiaConfig;
  /**
   * The console's URL for the alert links when the config has no `console.url`: the functions'
   * CONSOLE_URL on AWS, the local stack's URL locally (known once its server listens, so asked at
   * each delivery). Without either the e-mail names the CLI commands instead.
   */
  consoleUrl?: string | (() => string | undefined);
  now?: () => Date;
}

export type DeliveryOutcome =
  /** Delivered now to the subscriptions named (those missing from earlier runs). */
  | { alertId: string; outcome: 'delivered'; subscriptions: string[] }
  /** Nothing to do: notified before, a backfill alert (never notified), or no such alert. */
  | { alertId: string; outcome: 'already_notified' | 'backfill' | 'not_found' };

/**
 * Notifies one alert, at least once to every subscription that matches it (team, severity), and
 * each subscription once as far as the stored state can tell: what is sent is decided from the
 * alert's recorded deliveries, never from what an earlier attempt saw. Each delivery is recorded
 * right after it is made; a crash in between sends that one again (the local outbox drops the
 * repeat). The alert is marked notified once every matching subscription has it. Publisher and
 * store errors propagate: the flow retries Notify, and the re-drive takes what is left.
 */
export async function deliverAlert(alertId: string, deps: AlertDeliveryDependencies): Promise<DeliveryOutcome> {
  const alert = await deps.alerts.get(alertId);
  if (!alert) return { alertId, outcome: 'not_found' };
  if (alert.notifiedAt) return { alertId, outcome: 'already_notified' };
  if (alert.backfill) return { alertId, outcome: 'backfill' };
  const done = new Set(alert.deliveredTo ?? []);
  const attributes = notificationAttributes(alert);
  const missing = subscriptionsFromConfig(deps.config).filter((subscription) => matchesFilterPolicy(subscription.filterPolicy, attributes) && !done.has(subscription.id));
  if (missing.length > 0) {
    const excerpt = typeof alert.evidence.excerpt === 'string' ? alert.evidence.excerpt : undefined;
    const consoleUrl = consoleUrlOf(deps.config, typeof deps.consoleUrl === 'function' ? deps.consoleUrl() : deps.consoleUrl);
    // One text per language: each subscription gets its manager's.
    const messages = new Map<ConsoleLanguage, RenderedNotification>();
    const messageIn = (language: ConsoleLanguage) => {
      let message = messages.get(language);
      if (!message) messages.set(language, (message = renderNotification(alert, { excerpt }, { language, consoleUrl })));
      return message;
    };
    for (const subscription of missing) {
      await deps.publisher.deliver(alert, messageIn(subscription.language), subscription);
      await deps.alerts.markDelivered(alert.id, subscription.id);
    }
  }
  await deps.alerts.markNotified(alert.id, (deps.now?.() ?? new Date()).toISOString());
  return { alertId, outcome: 'delivered', subscriptions: missing.map((subscription) => subscription.id) };
}
