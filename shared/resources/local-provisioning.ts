import { CreateTableCommand, DescribeTableCommand, ResourceNotFoundException, UpdateTableCommand, type DescribeTableCommandOutput } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { ARCHIVE_TABLE, type TableDefinition } from './definitions';

/** CreateTable input from the same definition the CDK stack uses. */
export function createTableInput(tableName: string, definition: TableDefinition = ARCHIVE_TABLE) {
  const attributes = new Map<string, 'S' | 'N'>();
  for (const key of [definition.partitionKey, definition.sortKey, ...definition.globalSecondaryIndexes.flatMap((i) => [i.partitionKey, i.sortKey])]) {
    attributes.set(key.name, key.type);
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
    KeySchema: [
      { AttributeName: definition.partitionKey.name, KeyType: 'HASH' as const },
      { AttributeName: definition.sortKey.name, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: definition.globalSecondaryIndexes.map((index) => ({
      IndexName: index.indexName,
      KeySchema: [
        { AttributeName: index.partitionKey.name, KeyType: 'HASH' as const },
        { AttributeName: index.sortKey.name, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: index.projection },
    })),
  };
}

/**
 * Creates the table if it is missing, and the indexes a newer version added to a table an older
 * one created (local stack only; on AWS CloudFormation owns it).
 */
export async function ensureTable(db: { send(command: any): Promise<unknown> }, tableName: string): Promise<void> {
  let existing: DescribeTableCommandOutput;
  try {
    existing = (await db.send(new DescribeTableCommand({ TableName: tableName }))) as DescribeTableCommandOutput;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    await db.send(new CreateTableCommand(createTableInput(tableName)));
    await untilActive(db, tableName);
    return;
  }
  const present = new Set((existing.Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  const input = createTableInput(tableName);
  for (const index of input.GlobalSecondaryIndexes.filter((candidate) => !present.has(candidate.IndexName))) {
    await db.send(new UpdateTableCommand({ TableName: tableName, AttributeDefinitions: input.AttributeDefinitions, GlobalSecondaryIndexUpdates: [{ Create: index }] }));
    await untilActive(db, tableName);
  }
}

/** A table (and its indexes) is CREATING or UPDATING for a moment, even on dynalite: writes before ACTIVE fail. */
async function untilActive(db: { send(command: any): Promise<unknown> }, tableName: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const { Table } = (await db.send(new DescribeTableCommand({ TableName: tableName }))) as DescribeTableCommandOutput;
    if (Table?.TableStatus === 'ACTIVE' && (Table.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE')) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`table ${tableName} did not become ACTIVE in 5 s`);
}

export async function ensureBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    const name = (error as Error).name;
    if (name !== 'BucketAlreadyExists' && name !== 'BucketAlreadyOwnedByYou') throw error;
  }
}
