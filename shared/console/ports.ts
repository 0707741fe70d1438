import type { ConversationReader } from '../capture/ports/conversations';
import type { ArchiveRepository } from '../capture/ports/archive-repository';
import type { AlertReviewRepository } from '../compliance/ports/alert-repository';
import type { VigiaConfig } from '../config/vigia-config';
import type { MediaRepository } from '../media/ports/media-repository';
import type { AuditEntry, PrivacyRepository } from '../privacy/ports/subject-rights';
import type { Principal } from './principal';

/** A time-limited download link for an archived object (S3 presigned GET). */
export interface MediaLinks {
  /** A URL that downloads `key` for `seconds` (at most 300), and when it stops working. */
  link(key: string, seconds: number, filename?: string): Promise<{ url: string; expiresAt: string }>;
}

/** Everything the console's use cases read and write, injected by the composition root. */
export interface ConsoleDependencies {
  config: VigiaConfig;
  alerts: AlertReviewRepository;
  messages: Pick<ArchiveRepository, 'getMessage'>;
  conversations: ConversationReader;
  media: Pick<MediaRepository, 'get'>;
  mediaLinks: MediaLinks;
  audit: Pick<PrivacyRepository, 'appendAudit' | 'listAudit'>;
  /** @default the system clock */
  now?: () => Date;
}

/** Who asks, from where. */
export interface ConsoleRequest {
  principal: Principal;
  /** The source IP (API Gateway's `requestContext.http.sourceIp`), recorded in the audit log. */
  ip?: string;
}

export type { AuditEntry };
