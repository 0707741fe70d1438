import type { DynamoDbPrivacyRepository } from '../../privacy/adapters/dynamodb-privacy-repository';
import type { AuditLog } from '../ports/evidence-bucket';

/** The audit log as it is in the table (DynamoDB on AWS, dynalite locally). */
export function tableAuditLog(privacy: Pick<DynamoDbPrivacyRepository, 'auditBetween'>): AuditLog {
  return { between: (from, to) => privacy.auditBetween(from, to) };
}
