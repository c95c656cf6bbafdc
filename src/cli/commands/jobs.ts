/**
 * `coalesce jobs start --domain D [--wait]`: starts an identity resolution job on a running server (the
 * StartIdentityResolutionJob extension, SigV4-signed) and optionally follows it to its end.
 * Credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN), else COALESCE_ACCESS_KEY_ID /
 * COALESCE_SECRET_ACCESS_KEY. Endpoint: --endpoint, else COALESCE_ENDPOINT, AWS_ENDPOINT_URL, http://127.0.0.1:8080.
 */
import type { Command } from 'commander';
import { signedRequest, startIdentityResolutionJob, type ExtensionClientOptions } from '../../jobs/client.js';

interface JobView {
  Status?: string; Message?: string; JobStats?: { NumberOfProfilesReviewed?: number; NumberOfMatchesFound?: number; NumberOfMergesDone?: number };
  ExportingLocation?: { S3Exporting?: { S3BucketName?: string; S3KeyName?: string } };
}

const FINAL = new Set(['COMPLETED', 'PARTIAL_SUCCESS', 'FAILED']);

export function clientOptions(endpoint: string | undefined, region: string | undefined): ExtensionClientOptions {
  const env = process.env;
  const accessKeyId = env.AWS_ACCESS_KEY_ID || env.COALESCE_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY || env.COALESCE_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error('no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or COALESCE_ACCESS_KEY_ID / COALESCE_SECRET_ACCESS_KEY)');
  }
  return {
    endpoint: endpoint ?? env.COALESCE_ENDPOINT ?? env.AWS_ENDPOINT_URL ?? 'http://127.0.0.1:8080',
    region: region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    credentials: { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN || undefined },
  };
}

export function register(program: Command): void {
  const jobs = program.command('jobs').description('Identity resolution jobs');
  jobs
    .command('start')
    .description('Start an identity resolution job now (matching must be enabled on the domain)')
    .requiredOption('-d, --domain <name>', 'domain name')
    .option('--wait', 'follow the job until it ends, printing each status change')
    .option('--endpoint <url>', 'Coalesce server URL')
    .option('--region <region>', 'signing region')
    .option('--interval <ms>', 'poll interval with --wait', '500')
    .action(async (opts: { domain: string; wait?: boolean; endpoint?: string; region?: string; interval: string }) => {
      try {
        const o = clientOptions(opts.endpoint, opts.region);
        const { JobId } = await startIdentityResolutionJob(o, opts.domain);
        console.log(`Started identity resolution job ${JobId} for domain ${opts.domain}`);
        if (!opts.wait) return;
        const started = Date.now();
        let last = '';
        for (;;) {
          const j = await signedRequest<JobView>(o, 'GET', `/domains/${encodeURIComponent(opts.domain)}/identity-resolution-jobs/${JobId}`);
          const s = j.JobStats ?? {};
          const line = `${j.Status}  reviewed=${s.NumberOfProfilesReviewed ?? 0} matches=${s.NumberOfMatchesFound ?? 0} merges=${s.NumberOfMergesDone ?? 0}`;
          if (line !== last) {
            console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${line}`);
            last = line;
          }
          if (FINAL.has(j.Status ?? '')) {
            if (j.Message) console.log(`Message: ${j.Message}`);
            const loc = j.ExportingLocation?.S3Exporting;
            if (loc) console.log(`Exported to s3://${loc.S3BucketName}/${loc.S3KeyName ?? ''}`);
            process.exitCode = j.Status === 'COMPLETED' ? 0 : j.Status === 'PARTIAL_SUCCESS' ? 2 : 1;
            return;
          }
          await new Promise((r) => setTimeout(r, Number(opts.interval) || 500));
        }
      } catch (err) {
        console.error(`coalesce jobs start: ${(err as Error).message}`);
        process.exitCode = 1;
      }
    });
}
