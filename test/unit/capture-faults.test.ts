import { mediaStatePartition } from '../../shared/resources/index-shards';
import { ConditionalCheckFailedException, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { BatchGetCommand, DynamoDBDocumentClient, PutCommand, UpdateCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import type { SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { projectRawWebhook } from '../../shared/capture/project-raw-webhook';
import { receiveWebhook } from '../../shared/capture/receive-webhook';
import { DynamoDbArchiveRepository } from '../../shared/capture/adapters/dynamodb-archive-repository';
import { S3RawArchive } from '../../shared/capture/adapters/s3-raw-archive';
import { createDynamoDbClient } from '../../shared/platform/clients';
import { signBody } from '../../shared/capture/whatsapp/signature';
import { lambdaContext } from '../../local/api-gateway';

const s3Mock = mockClient(S3Client);
const dynamoMock = mockClient(DynamoDBDocumentClient);
const sqsMock = mockClient(SQSClient);
const sfnMock = mockClient(SFNClient);
const secrets = async () => ({ appSecret: 'secret', verifyToken: 'token' });
const body = Buffer.from(
  JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: 'w', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '1', phone_number_id: '106540352242922' }, messages: [{ from: '5511', id: 'wamid.F1', timestamp: '1764300000', type: 'text', text: { body: 'oi' } }] } }] }],
  }),
);
// What GetObject's Body offers the adapter (the SDK's stream mixin).
const bodyStream = () => ({ transformToByteArray: async () => new Uint8Array(body) }) as never;

beforeEach(() => {
  s3Mock.reset();
  dynamoMock.reset();
  sqsMock.reset();
  sfnMock.reset();
});

describe('webhook ack path under S3 faults', () => {
  const archive = () => new S3RawArchive(new S3Client({ region: 'us-east-1' }), 'archive-bucket');

  it('sends exactly one PutObject with the verbatim bytes, signature and receive time', async () => {
    s3Mock.on(PutObjectCommand).resolves({});
    const signature = signBody(body, 'secret');
    const { response } = await receiveWebhook({ body, signature }, { secrets, archive: archive(), now: () => new Date('2026-11-28T10:00:00Z') });
    expect(response.statusCode).toBe(200);
    const calls = s3Mock.commandCalls(PutObjectCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0].args[0].input).toEqual({
      Bucket: 'archive-bucket',
      Key: expect.stringMatching(/^raw\/h=([0-9a-f])\/dt=2026-11-28\/\1[0-9a-f]{63}\.json$/),
      Body: body,
      ContentType: 'application/json',
      Metadata: { signature, 'received-at': '2026-11-28T10:00:00.000Z' },
      Tagging: 'vigia-retention=expire',
    });
  });

  it('does not acknowledge when S3 fails (the error propagates, Lambda answers 5xx and Meta retries)', async () => {
    s3Mock.on(PutObjectCommand).rejects(new S3ServiceException({ name: 'SlowDown', $fault: 'server', $metadata: { httpStatusCode: 503 }, message: 'Please reduce your request rate.' }));
    await expect(receiveWebhook({ body, signature: signBody(body, 'secret') }, { secrets, archive: archive() })).rejects.toThrow('Please reduce your request rate.');
  });

  it('never touches S3 for an unsigned body', async () => {
    const { response } = await receiveWebhook({ body, signature: signBody(body, 'other') }, { secrets, archive: archive() });
    expect(response.statusCode).toBe(401);
    expect(s3Mock.calls()).toHaveLength(0);
  });
});

describe('projection under DynamoDB faults', () => {
  const dependencies = () => ({
    archive: new S3RawArchive(new S3Client({ region: 'us-east-1' }), 'archive-bucket'),
    repository: new DynamoDbArchiveRepository(createDynamoDbClient(), 'archive-table'),
  });

  it('fails without writing the projection marker when DynamoDB throttles, so the queue retries', async () => {
    s3Mock.on(GetObjectCommand).resolves({ Body: bodyStream(), Metadata: {} });
    dynamoMock.on(UpdateCommand).rejects(new ProvisionedThroughputExceededException({ message: 'throttled', $metadata: {} }));
    await expect(projectRawWebhook('raw/dt=2026-11-28/x.json', dependencies())).rejects.toThrow('throttled');
    expect(dynamoMock.commandCalls(PutCommand).filter((call) => String(call.args[0].input.Item?.pk).startsWith('RAW#'))).toHaveLength(0);
  });

  it('writes the message conditionally on its id and marks the raw object projected', async () => {
    s3Mock.on(GetObjectCommand).resolves({ Body: bodyStream(), Metadata: { 'received-at': '2026-11-28T10:00:00.000Z' } });
    dynamoMock.on(UpdateCommand).resolves({});
    dynamoMock.on(PutCommand).resolves({});
    const summary = await projectRawWebhook('raw/dt=2026-11-28/x.json', dependencies());
    expect(summary).toMatchObject({ records: 1, created: 1, duplicates: 0, conflicts: 0 });
    const messageWrite = dynamoMock.commandCalls(UpdateCommand).find((call) => call.args[0].input.Key?.pk === 'MSG#wamid.F1')!;
    expect(messageWrite.args[0].input).toMatchObject({ TableName: 'archive-table', Key: { pk: 'MSG#wamid.F1', sk: 'MSG' }, ConditionExpression: 'attribute_not_exists(contentHash)' });
    const marker = dynamoMock.commandCalls(PutCommand).find((call) => call.args[0].input.Item?.pk === 'RAW#raw/dt=2026-11-28/x.json')!;
    expect(marker.args[0].input.Item).toMatchObject({ entity: 'raw', records: 1, created: 1 });
  });

  it('counts a redelivered message as a duplicate, not a conflict', async () => {
    s3Mock.on(GetObjectCommand).resolves({ Body: bodyStream(), Metadata: {} });
    dynamoMock.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    dynamoMock.on(PutCommand).resolves({});
    const { messageContentHash } = await import('../../shared/capture/adapters/dynamodb-archive-repository');
    const { normalizeWebhook } = await import('../../shared/capture/whatsapp/normalize');
    const message = normalizeWebhook(JSON.parse(body.toString())).records.find((record) => record.kind === 'message')!;
    dynamoMock.on(GetCommand).resolves({ Item: { contentHash: messageContentHash(message as never) } });
    const summary = await projectRawWebhook('raw/dt=2026-11-28/x.json', dependencies());
    expect(summary).toMatchObject({ duplicates: 1, created: 0, conflicts: 0 });
  });
});

describe('media jobs from the projection', () => {
  const withDocument = Buffer.from(
    JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{ id: 'w', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '1', phone_number_id: 'L1' }, messages: [{ from: '5511', id: 'wamid.D1', timestamp: '1764300000', type: 'document', document: { id: 'MEDIA-1', mime_type: 'application/pdf', filename: 'Proposta.PDF' } }] } }] }],
    }),
  );
  const dependencies = async () => {
    const { DynamoDbMediaRepository } = await import('../../shared/media/adapters/dynamodb-media-repository');
    const { SqsMessageQueue } = await import('../../shared/media/adapters/message-queues');
    const db = createDynamoDbClient();
    return {
      archive: new S3RawArchive(new S3Client({ region: 'us-east-1' }), 'archive-bucket'),
      repository: new DynamoDbArchiveRepository(db, 'archive-table'),
      media: { repository: new DynamoDbMediaRepository(db, 'archive-table'), queue: new SqsMessageQueue(new SQSClient({ region: 'us-east-1' }), 'https://sqs.example/media') },
    };
  };

  it('registers the file as pending and sends one job to the media queue', async () => {
    s3Mock.on(GetObjectCommand).resolves({ Body: { transformToByteArray: async () => new Uint8Array(withDocument) } as never, Metadata: { 'received-at': '2026-11-28T10:00:00.000Z' } });
    dynamoMock.on(UpdateCommand).resolves({});
    dynamoMock.on(PutCommand).resolves({});
    sqsMock.on(SendMessageBatchCommand).resolves({ Successful: [{ Id: '0', MessageId: 'm', MD5OfMessageBody: '' }], Failed: [] });
    await projectRawWebhook('raw/dt=2026-11-28/d.json', await dependencies());
    const registration = dynamoMock.commandCalls(UpdateCommand).find((call) => call.args[0].input.Key?.pk === 'MEDIA#MEDIA-1')!;
    expect(registration.args[0].input.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(Object.values(registration.args[0].input.ExpressionAttributeValues!)).toEqual(
      expect.arrayContaining(['pending', 'wamid.D1', 'application/pdf', 'Proposta.PDF', 'pdf', '2026-11-28T10:00:00.000Z', mediaStatePartition('pending', 'MEDIA-1')]),
    );
    expect(sqsMock.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input)).toEqual([
      { QueueUrl: 'https://sqs.example/media', Entries: [{ Id: '0', MessageBody: JSON.stringify({ mediaId: 'MEDIA-1' }) }] },
    ]);
  });

  it('fails the projection (so it is retried) when the media queue refuses the job', async () => {
    s3Mock.on(GetObjectCommand).resolves({ Body: { transformToByteArray: async () => new Uint8Array(withDocument) } as never, Metadata: {} });
    dynamoMock.on(UpdateCommand).resolves({});
    dynamoMock.on(PutCommand).resolves({});
    sqsMock.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [{ Id: '0', Code: 'KMS.ThrottlingException', SenderFault: false, Message: 'throttled' }] });
    await expect(projectRawWebhook('raw/dt=2026-11-28/d.json', await dependencies())).rejects.toThrow('SQS refused 1 message(s): throttled');
    expect(dynamoMock.commandCalls(PutCommand).filter((call) => String(call.args[0].input.Item?.pk).startsWith('RAW#'))).toHaveLength(0);
  });
});

describe('ingest handler', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('reports only the SQS record whose raw object failed, so only it is retried', async () => {
    Object.assign(process.env, {
      ARCHIVE_BUCKET: 'archive-bucket',
      ARCHIVE_TABLE: 'archive-table',
      MEDIA_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/111122223333/media',
      COMPLIANCE_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:111122223333:stateMachine:compliance',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      AWS_REGION: 'us-east-1',
    });
    s3Mock.on(GetObjectCommand, { Key: 'raw/dt=2026-11-28/good.json' }).resolves({ Body: bodyStream(), Metadata: {} });
    s3Mock.on(GetObjectCommand, { Key: 'raw/dt=2026-11-28/gone.json' }).rejects(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }));
    dynamoMock.on(UpdateCommand).resolves({});
    dynamoMock.on(PutCommand).resolves({});
    // Erasure tombstones of the webhook's contacts (none: nobody was erased).
    dynamoMock.on(BatchGetCommand).resolves({ Responses: {} });
    const { handler } = await import('../../functions/ingest/handler');
    const notification = (key: string) => JSON.stringify({ Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'archive-bucket' }, object: { key: key.replace('=', '%3D') } } }] });
    const event = {
      Records: [
        { messageId: 'm-good', body: notification('raw/dt=2026-11-28/good.json') },
        { messageId: 'm-gone', body: notification('raw/dt=2026-11-28/gone.json') },
        { messageId: 'm-test', body: JSON.stringify({ Event: 's3:TestEvent' }) },
      ],
    } as unknown as SQSEvent;
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: 'arn:x', startDate: new Date() });
    const response = await handler(event, lambdaContext('vigia-ingest'));
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-gone' }] });
    // the new message starts its compliance run, nothing else
    expect(sfnMock.commandCalls(StartExecutionCommand).map((call) => call.args[0].input)).toEqual([
      { stateMachineArn: 'arn:aws:states:us-east-1:111122223333:stateMachine:compliance', input: JSON.stringify({ messageId: 'wamid.F1' }) },
    ]);
    expect(s3Mock.commandCalls(GetObjectCommand).map((call) => call.args[0].input.Key).sort()).toEqual(['raw/dt=2026-11-28/gone.json', 'raw/dt=2026-11-28/good.json']);
  });
});
