/** `coalesce import`: bulk-load a CSV or JSONL file into a domain, locally or through a running server (docs/ingestion.md). */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { CreateDomainCommand, CustomerProfilesClient, GetDomainCommand, GetProfileObjectTypeCommand } from '@aws-sdk/client-customer-profiles';
import { ErrorReport, formatOfFile, importIntoDataDir, mappingFromObjectType } from '../../ingest/file-import.js';
import { MappingError, mappingFromFile, type ImportMapping } from '../../ingest/mapping.js';
import { FileError } from '../../ingest/csv-reader.js';
import { formatDuration } from '../../ingest/progress.js';
import { importThroughServer } from '../../ingest/remote-import.js';
import { AwsError } from '../../errors.js';
import { openStore } from '../../store/index.js';
import type { ObjectTypeRecord } from '../../store/repository.js';

interface ImportOpts {
  domain: string; file: string; format?: string; mapping?: string; uniqueKey?: string; objectType?: string;
  dataDir?: string; endpoint?: string; region?: string; createDomain?: boolean; errors?: string; batchSize?: string;
}

class UsageError extends Error {}

function loadMapping(opts: ImportOpts): ImportMapping {
  let mapping: ImportMapping = {};
  if (opts.mapping) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(opts.mapping, 'utf8'));
    } catch (err) {
      throw new UsageError(`cannot read the mapping file ${opts.mapping}: ${(err as Error).message}`);
    }
    mapping = mappingFromFile(json);
  }
  if (opts.uniqueKey) mapping.uniqueKey = { column: opts.uniqueKey, keyName: opts.uniqueKey };
  return mapping;
}

const n = (x: number) => x.toLocaleString('en-US');

export function register(program: Command): void {
  program
    .command('import')
    .description('Bulk-load profiles from a CSV or JSONL file into a domain (local data dir, or a running server with --endpoint)')
    .requiredOption('--domain <name>', 'domain to load into')
    .requiredOption('--file <path>', 'input file (.csv or .jsonl)')
    .option('--format <csv|jsonl>', 'input format (default: from the file extension)')
    .option('--mapping <map.json>', 'column → profile field mapping (default: columns named like profile fields map themselves)')
    .option('--unique-key <column>', 'column whose value identifies a profile: re-importing updates instead of duplicating')
    .option('--object-type <name>', "use this object type's field mapping and keys (FieldMeta source = the type name)")
    .option('-d, --data-dir <dir>', 'load directly into this data directory (env COALESCE_DATA_DIR; default ./data)')
    .option('--endpoint <url>', 'load through a running Coalesce server (UploadJobs API; AWS credentials from the usual environment)')
    .option('--region <region>', 'region for --endpoint requests (default AWS_REGION or us-east-1)')
    .option('--create-domain', 'create the domain when it does not exist')
    .option('--errors <path>', 'error report file (default <file>.errors.csv)')
    .option('--batch-size <n>', 'rows per transaction / batch (upload jobs on a server use 5000)', '20000')
    .action(async (opts: ImportOpts) => {
      try {
        await runImportCommand(opts);
      } catch (err) {
        const known = err instanceof UsageError || err instanceof MappingError || err instanceof FileError || err instanceof AwsError
          || (err as { $metadata?: unknown }).$metadata !== undefined;
        console.error(`coalesce import: ${known ? (err as Error).message : (err as Error).stack ?? String(err)}`);
        process.exitCode = err instanceof UsageError || err instanceof MappingError ? 2 : 1;
      }
    });
}

async function runImportCommand(opts: ImportOpts): Promise<void> {
  if (opts.dataDir && opts.endpoint) throw new UsageError('use either --data-dir or --endpoint, not both');
  const batchSize = Number(opts.batchSize);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) throw new UsageError('--batch-size must be an integer from 1 to 100000');
  const format = formatOfFile(opts.file, opts.format);
  let mapping = loadMapping(opts);
  const errorReport = new ErrorReport(resolve(opts.errors ?? `${opts.file}.errors.csv`));
  let result;
  let where: string;

  if (opts.endpoint) {
    const client = new CustomerProfilesClient({ endpoint: opts.endpoint, region: opts.region ?? process.env.AWS_REGION ?? 'us-east-1', maxAttempts: 3 });
    try {
      try {
        await client.send(new GetDomainCommand({ DomainName: opts.domain }));
      } catch (err) {
        if ((err as Error).name !== 'ResourceNotFoundException' || !opts.createDomain) throw err;
        await client.send(new CreateDomainCommand({ DomainName: opts.domain, DefaultExpirationDays: 366 }));
      }
      if (opts.objectType) {
        const t = await client.send(new GetProfileObjectTypeCommand({ DomainName: opts.domain, ObjectTypeName: opts.objectType }));
        mapping = { ...mappingFromObjectType({ fields: t.Fields ?? {}, keys: t.Keys ?? {} } as ObjectTypeRecord), ...(opts.uniqueKey ? { uniqueKey: mapping.uniqueKey } : {}) };
      }
      result = await importThroughServer({ client, domainName: opts.domain, file: opts.file, format, mapping, errorReport, batchSize });
      where = `${opts.endpoint} (upload job ${result.jobId})`;
    } finally {
      client.destroy();
    }
  } else {
    const dataDir = opts.dataDir ?? process.env.COALESCE_DATA_DIR ?? './data';
    const store = await openStore(dataDir);
    try {
      if (!(await store.getDomain(opts.domain))) {
        if (!opts.createDomain) throw new UsageError(`domain ${opts.domain} does not exist in ${dataDir} (use --create-domain)`);
        const now = Date.now();
        await store.createDomain({ domainName: opts.domain, defaultExpirationDays: 366, tags: {}, createdAt: now, lastUpdatedAt: now });
      }
      if (opts.objectType) {
        if (opts.mapping || opts.uniqueKey) throw new UsageError('--object-type applies the type\'s own Fields and Keys: do not combine it with --mapping or --unique-key');
        if (!(await store.getObjectType(opts.domain, opts.objectType))) throw new UsageError(`object type ${opts.objectType} does not exist in domain ${opts.domain}`);
      }
      result = await importIntoDataDir({ store, dataDir, domainName: opts.domain, file: opts.file, format, mapping, objectTypeName: opts.objectType, errorReport, batchSize });
      where = `${resolve(dataDir)} (import ${result.importId})`;
    } finally {
      await store.close();
    }
  }

  const s = result.elapsedMs / 1000;
  console.log(`Imported ${opts.file} into domain ${opts.domain} at ${where}`);
  if (result.ignoredColumns.length) console.log(`Ignored columns (not mapped to a profile field): ${result.ignoredColumns.join(', ')}`);
  console.log(`read ${n(result.read)}, created ${n(result.created)}, updated ${n(result.updated)}, rejected ${n(result.rejected)}, elapsed ${formatDuration(s)} (${s.toFixed(1)} s, ${n(Math.round(result.read / Math.max(s, 1e-3)))} rows/s)`);
  if (errorReport.count > 0) console.log(`Error report: ${errorReport.path} (${n(errorReport.count)} rejected rows with line number and reason)`);
  else console.log('No rejected rows.');
  if ('serverFailed' in result && result.serverFailed > 0) {
    console.log(`The server rejected ${n(result.serverFailed)} more row(s); see uploads/${result.jobId}.errors.csv in its data directory.`);
  }
}
