import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Aws, Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  EXPORT_PARTITION_KEY,
  EXPORT_SCHEMA_VERSION,
  EXPORT_TABLE_NAMES,
  EXPORT_TABLES,
  exportTablePrefix,
  glueType,
  type ExportTableName,
} from '../../shared/analytics/export-schema';
import { ANALYTICS_PREFIXES } from '../../shared/resources/definitions';
import { REPO_ROOT } from '../config';

/** Where the saved queries live: one `AWS::Athena::NamedQuery` per `*.sql` file. */
export const ANALYTICS_QUERIES_DIR = path.join(REPO_ROOT, 'shared', 'analytics', 'queries');

/** Athena engine of the workgroup: the queries are written for Trino (engine v3). */
export const ATHENA_ENGINE_VERSION = 'Athena engine version 3';

export interface AnalyticsCatalogProps {
  /** Deployment stage (already validated): part of the database and workgroup names. */
  readonly stage: string;
  /** The analytics bucket: exports under `exports/`, query results under `athena-results/`. */
  readonly bucket: s3.IBucket;
  /** Encrypts the query results (SSE-KMS). The bucket's own key, usually. */
  readonly key: kms.IKey;
  /**
   * First day of the `dt` partition projection (`YYYY-MM-DD`); the range ends at `NOW`.
   * @default '2022-01-01'
   */
  readonly firstDay?: string;
  /**
   * Folder of saved queries: every `*.sql` file becomes a named query of the workgroup, named after
   * the file (without `.sql`), described by its first line when that is a `-- ` comment.
   * @default ANALYTICS_QUERIES_DIR (shared/analytics/queries)
   */
  readonly queriesDir?: string;
}

/** A saved query read from a `.sql` file. */
export interface SavedQuery {
  readonly name: string;
  readonly description?: string;
  readonly sql: string;
}

/**
 * The analytics export as SQL tables, with no crawler and nothing to run after a deploy:
 *
 * - a Glue database (`vigia_<stage>`) with one external Parquet table per export table, its columns
 *   built from `EXPORT_TABLES` (shared/analytics/export-schema.ts) and partition projection on `dt`
 *   (type date, `yyyy-MM-dd`, from `firstDay` to `NOW`), so new days are queryable as soon as the
 *   export writes them;
 * - an Athena workgroup (`vigia-<stage>`, engine v3) whose settings are enforced: results go to
 *   `athena-results/` of the analytics bucket, encrypted with SSE-KMS and the given key, whatever
 *   the client asks;
 * - one named query per `.sql` file of `queriesDir`, run against the database in that workgroup;
 * - `queryPolicy`, a managed policy to attach to analysts (and to whoever runs `vigia query --stage`):
 *   run queries in this workgroup only, read the tables and `exports/`, write `athena-results/`.
 */
export class AnalyticsCatalog extends Construct {
  public readonly database: glue.CfnDatabase;
  public readonly databaseName: string;
  public readonly tables: Readonly<Record<ExportTableName, glue.CfnTable>>;
  public readonly workGroup: athena.CfnWorkGroup;
  public readonly workGroupName: string;
  /** Keyed by query name (the file name without `.sql`). */
  public readonly namedQueries: Readonly<Record<string, athena.CfnNamedQuery>>;
  public readonly queryPolicy: iam.ManagedPolicy;

  public constructor(scope: Construct, id: string, props: AnalyticsCatalogProps) {
    const firstDay = props.firstDay ?? '2022-01-01';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(firstDay)) throw new Error(`AnalyticsCatalog: firstDay must be a day like 2022-01-01, got ${JSON.stringify(firstDay)}`);
    const queries = readSavedQueries(props.queriesDir ?? ANALYTICS_QUERIES_DIR);
    super(scope, id);

    const { bucket } = props;
    this.databaseName = `vigia_${props.stage.replace(/-/g, '_')}`;
    this.workGroupName = `vigia-${props.stage}`;
    const location = (prefix: string) => `s3://${bucket.bucketName}/${prefix}`;

    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: {
        name: this.databaseName,
        description: `Vigia (${props.stage}): the analytics export (Parquet, one partition per UTC day), schema version ${EXPORT_SCHEMA_VERSION}`,
      },
    });

    const tables = {} as Record<ExportTableName, glue.CfnTable>;
    for (const name of EXPORT_TABLE_NAMES) {
      const table = EXPORT_TABLES[name];
      const tableLocation = location(exportTablePrefix(ANALYTICS_PREFIXES.exports, name));
      const dt = EXPORT_PARTITION_KEY.name;
      tables[name] = new glue.CfnTable(this, `${pascal(name)}Table`, {
        catalogId: Aws.ACCOUNT_ID,
        databaseName: this.database.ref,
        tableInput: {
          name,
          description: table.description,
          tableType: 'EXTERNAL_TABLE',
          partitionKeys: [{ name: dt, type: EXPORT_PARTITION_KEY.type, comment: `UTC day: ${table.partition}` }],
          parameters: {
            EXTERNAL: 'TRUE',
            classification: 'parquet',
            'parquet.compression': 'SNAPPY',
            'vigia.schema_version': String(EXPORT_SCHEMA_VERSION),
            // Partition projection: Athena computes the partitions, so no crawler and no MSCK REPAIR.
            'projection.enabled': 'true',
            [`projection.${dt}.type`]: 'date',
            [`projection.${dt}.format`]: EXPORT_PARTITION_KEY.projectionFormat,
            [`projection.${dt}.range`]: `${firstDay},NOW`,
            [`projection.${dt}.interval`]: '1',
            [`projection.${dt}.interval.unit`]: 'DAYS',
            'storage.location.template': `${tableLocation}${dt}=\${${dt}}/`,
          },
          storageDescriptor: {
            location: tableLocation,
            columns: table.columns.map((column) => ({ name: column.name, type: glueType(column.type), comment: column.description.slice(0, 255) })),
            inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
            outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
            serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
            compressed: true,
          },
        },
      });
    }
    this.tables = tables;

    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: this.workGroupName,
      description: `Vigia (${props.stage}): queries over the analytics export; results encrypted in ${ANALYTICS_PREFIXES.athenaResults}`,
      state: 'ENABLED',
      // Deleting the stack deletes the workgroup with its saved queries (the results stay in the bucket).
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        engineVersion: { selectedEngineVersion: ATHENA_ENGINE_VERSION },
        resultConfiguration: {
          outputLocation: location(ANALYTICS_PREFIXES.athenaResults),
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: props.key.keyArn },
          expectedBucketOwner: Aws.ACCOUNT_ID,
        },
      },
    });

    const namedQueries: Record<string, athena.CfnNamedQuery> = {};
    for (const query of queries) {
      namedQueries[query.name] = new athena.CfnNamedQuery(this, `Query-${query.name}`, {
        name: query.name,
        description: query.description,
        database: this.database.ref,
        workGroup: this.workGroup.ref,
        queryString: query.sql,
      });
    }
    this.namedQueries = namedQueries;

    const stack = Stack.of(this);
    const glueArn = (resource: string, resourceName?: string) => stack.formatArn({ service: 'glue', resource, resourceName });
    const viaS3 = { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } };
    this.queryPolicy = new iam.ManagedPolicy(this, 'QueryPolicy', {
      description: `Vigia (${props.stage}): query the analytics export with Athena (workgroup ${this.workGroupName}, database ${this.databaseName})`,
      statements: [
        new iam.PolicyStatement({
          sid: 'RunQueriesInTheWorkGroup',
          actions: [
            'athena:StartQueryExecution',
            'athena:GetQueryExecution',
            'athena:GetQueryResults',
            'athena:StopQueryExecution',
            'athena:GetWorkGroup',
            'athena:ListNamedQueries',
            'athena:GetNamedQuery',
            'athena:BatchGetNamedQuery',
          ],
          resources: [stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: this.workGroupName })],
        }),
        new iam.PolicyStatement({
          sid: 'ReadTheTables',
          actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions'],
          resources: [glueArn('catalog'), glueArn('database', this.databaseName), glueArn('table', `${this.databaseName}/*`)],
        }),
        new iam.PolicyStatement({
          sid: 'ListExportsAndResults',
          actions: ['s3:ListBucket', 's3:GetBucketLocation'],
          resources: [bucket.bucketArn],
        }),
        new iam.PolicyStatement({ sid: 'ReadExports', actions: ['s3:GetObject'], resources: [bucket.arnForObjects(`${ANALYTICS_PREFIXES.exports}*`)] }),
        new iam.PolicyStatement({
          sid: 'WriteAndReadResults',
          actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
          resources: [bucket.arnForObjects(`${ANALYTICS_PREFIXES.athenaResults}*`)],
        }),
        new iam.PolicyStatement({
          sid: 'UseTheKeyThroughS3',
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [props.key.keyArn],
          conditions: viaS3,
        }),
      ],
    });
  }
}

/**
 * The `*.sql` files of a folder, sorted by name (none when the folder does not exist). Validated
 * against Athena's limits before anything is created: name 1–128 characters, description up to
 * 1,024, query up to 262,144 bytes.
 */
export function readSavedQueries(dir: string): SavedQuery[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((file) => file.endsWith('.sql')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return files.map((file) => {
    const name = file.slice(0, -'.sql'.length);
    const sql = readFileSync(path.join(dir, file), 'utf8');
    const firstLine = sql.split(/\r?\n/, 1)[0] ?? '';
    const description = firstLine.startsWith('-- ') ? firstLine.slice(3).trim() || undefined : undefined;
    const problems = [
      ...(/^[A-Za-z0-9_.-]{1,128}$/.test(name) ? [] : ['its name must be 1-128 letters, digits, "_", "-" or "."']),
      ...(sql.trim() === '' ? ['it is empty'] : []),
      ...(Buffer.byteLength(sql, 'utf8') > 262_144 ? ['it is over 262,144 bytes'] : []),
      ...(description !== undefined && description.length > 1024 ? ['its first-line description is over 1,024 characters'] : []),
    ];
    if (problems.length > 0) throw new Error(`Saved query ${path.join(dir, file)}: ${problems.join('; ')}`);
    return { name, description, sql };
  });
}

const pascal = (name: string) => name.replace(/(^|[_-])([a-z])/g, (_, __, letter: string) => letter.toUpperCase());
