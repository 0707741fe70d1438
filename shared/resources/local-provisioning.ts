import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  ScanCommand,
  type AttributeValue,
  type BatchWriteItemCommandOutput,
  type DescribeTableCommandOutput,
  type GlobalSecondaryIndexDescription,
  type Projection,
  type ScanCommandOutput,
  type TableDescription,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
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
      Projection:
        typeof index.projection === 'object'
          ? { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...index.projection.include] }
          : { ProjectionType: index.projection },
    })),
  };
}

type Sender = { send(command: any): Promise<unknown> };

/**
 * Creates the table if it is missing, and the indexes a newer version added to a table an older
 * one created, or changed since (local stack only; on AWS CloudFormation owns it).
 *
 * dynalite cannot add an index to a table (UpdateTable is refused, or accepted and ignored:
 * test/unit/local-provisioning.test.ts), so a table whose indexes are not those defined — one
 * absent, or one of that name with other keys or another projection — is rebuilt: copied to
 * `<table>.rebuild`, created again with every index as defined now, and copied back. Each item
 * written again enters every index it belongs to, so a new index lists (and counts) the items
 * written before it, as one DynamoDB builds would. A rebuild an earlier start left unfinished is
 * completed first, so a crash in the middle loses nothing.
 */
export async function ensureTable(db: Sender, tableName: string): Promise<void> {
  await finishRebuild(db, tableName);
  const existing = await describe(db, tableName);
  if (!existing) {
    await db.send(new CreateTableCommand(createTableInput(tableName)));
    await untilActive(db, tableName);
    return;
  }
  const outdated = createTableInput(tableName).GlobalSecondaryIndexes.filter((index) => {
    const present = (existing.GlobalSecondaryIndexes ?? []).find((candidate) => candidate.IndexName === index.IndexName);
    return !present || !sameIndex(present, index);
  });
  if (outdated.length === 0) return;
  console.error(`vigia: rebuilding the local table ${tableName} for the index(es) ${outdated.map((index) => index.IndexName).join(', ')} (dynalite cannot add or change an index of a table)`);
  const copy = rebuildTableName(tableName);
  await db.send(new CreateTableCommand(createTableInput(copy)));
  await untilActive(db, copy);
  await copyItems(db, tableName, copy);
  await db.send(new DeleteTableCommand({ TableName: tableName }));
  await untilGone(db, tableName);
  await finishRebuild(db, tableName);
}

/** Same keys and same projection (INCLUDE attributes in any order). */
function sameIndex(present: GlobalSecondaryIndexDescription, wanted: ReturnType<typeof createTableInput>['GlobalSecondaryIndexes'][number]): boolean {
  const keys = (schema: readonly { AttributeName?: string; KeyType?: string }[] | undefined) => JSON.stringify((schema ?? []).map((key) => [key.AttributeName, key.KeyType]));
  const projection = (value: Projection | undefined) => JSON.stringify([value?.ProjectionType, [...(value?.NonKeyAttributes ?? [])].sort()]);
  return keys(present.KeySchema) === keys(wanted.KeySchema) && projection(present.Projection) === projection(wanted.Projection);
}

/** Where a rebuild keeps the items while the table is created again. */
export const rebuildTableName = (tableName: string) => `${tableName}.rebuild`;

/**
 * The second half of a rebuild: (re)creates the table if it is gone, copies every item of the
 * rebuild copy into it and drops the copy. Nothing to do without a copy. Safe whenever a start
 * was interrupted: while the copy was still being filled the table was whole, and the items copied
 * back are the table's own, unchanged (nothing writes before the stack has started).
 */
async function finishRebuild(db: Sender, tableName: string): Promise<void> {
  const copy = rebuildTableName(tableName);
  if (!(await describe(db, copy))) return;
  if (!(await describe(db, tableName))) {
    await db.send(new CreateTableCommand(createTableInput(tableName)));
    await untilActive(db, tableName);
  }
  await copyItems(db, copy, tableName);
  await db.send(new DeleteTableCommand({ TableName: copy }));
  await untilGone(db, copy);
}

/** Every item of `from` written to `to` as it is (attribute values untouched), one scan page at a time. */
async function copyItems(db: Sender, from: string, to: string): Promise<void> {
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = (await db.send(new ScanCommand({ TableName: from, ExclusiveStartKey: startKey }))) as ScanCommandOutput;
    const items = page.Items ?? [];
    for (let start = 0; start < items.length; start += 25) {
      let requests: WriteRequest[] = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt === 10) throw new Error(`copying ${from} to ${to}: ${requests.length} item(s) still unprocessed`);
        const response = (await db.send(new BatchWriteItemCommand({ RequestItems: { [to]: requests } }))) as BatchWriteItemCommandOutput;
        requests = response.UnprocessedItems?.[to] ?? [];
        if (requests.length > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
      }
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

async function describe(db: Sender, tableName: string): Promise<TableDescription | undefined> {
  try {
    return ((await db.send(new DescribeTableCommand({ TableName: tableName }))) as DescribeTableCommandOutput).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

async function untilGone(db: Sender, tableName: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (!(await describe(db, tableName))) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`table ${tableName} was not deleted in 5 s`);
}

/** A table (and its indexes) is CREATING or UPDATING for a moment, even on dynalite: writes before ACTIVE fail. */
async function untilActive(db: Sender, tableName: string): Promise<void> {
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
