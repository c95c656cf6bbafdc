/** `coalesce serve`: starts the API server (see docs/api.md for options and environment variables). */
import type { Command } from 'commander';
import { ConfigError, loadConfig } from '../../config.js';
import { startServer } from '../../server.js';

export function register(program: Command): void {
  program
    .command('serve')
    .description('Start the Customer Profiles–compatible API server')
    .option('-p, --port <port>', 'port to listen on (env PORT; default 8080; 0 = any free port)')
    .option('-H, --host <host>', 'address to bind (env HOST; default 127.0.0.1)')
    .option('-d, --data-dir <dir>', 'data directory (env COALESCE_DATA_DIR; default ./data)')
    .option('--no-auth', 'accept requests without verifying signatures (logs a warning; trusted machines only)')
    .option('--dev-credentials', 'when no credentials are configured, use (or create) a local pair in <data-dir>/dev-credentials')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (env LOG_LEVEL; default info)')
    .option('--rate-limit <rate[:burst]>', 'requests per second per access key, optional burst; 0 = off (env COALESCE_RATE_LIMIT)')
    .option('--body-limit <bytes>', 'largest request body in bytes (env COALESCE_BODY_LIMIT; default 5242880)')
    .action(async (opts) => {
      let config;
      try {
        config = loadConfig(opts);
      } catch (err) {
        if (err instanceof ConfigError) {
          console.error(`coalesce serve: ${err.message}`);
          process.exit(2);
        }
        throw err;
      }
      let server;
      try {
        server = await startServer(config);
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        console.error(`coalesce serve: cannot start: ${e.code === 'EADDRINUSE' ? `${config.host}:${config.port} is already in use` : e.message}`);
        process.exit(1);
      }
      // Machine-readable first line (tests and scripts parse it), then how to use the credentials; one write.
      const lines = [`Coalesce listening on ${server.url}`];
      if (config.auth && opts.devCredentials && config.credentialSources.some((s) => s.includes('dev-credentials'))) {
        const c = config.credentials[0]!;
        lines.push(
          `Development credentials (${config.credentialSources.join(', ')}):`,
          `  AWS_ACCESS_KEY_ID=${c.accessKeyId}`,
          `  AWS_SECRET_ACCESS_KEY=${c.secretAccessKey}`,
          `  e.g. AWS_ACCESS_KEY_ID=${c.accessKeyId} AWS_SECRET_ACCESS_KEY=${c.secretAccessKey} AWS_DEFAULT_REGION=us-east-1 aws customer-profiles list-domains --endpoint-url ${server.url}`,
        );
      } else if (config.auth) {
        lines.push(`Verifying AWS SigV4 signatures for ${config.credentials.length} access key(s) from ${config.credentialSources.join(', ')}`);
      } else {
        lines.push('WARNING: authentication is off (--no-auth)');
      }
      process.stdout.write(`${lines.join('\n')}\n`);
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        server.deps.log.info({ signal }, 'shutting down');
        try {
          await server.close();
          process.exit(0);
        } catch (err) {
          server.deps.log.error({ err }, 'error during shutdown');
          process.exit(1);
        }
      };
      process.on('SIGINT', () => void stop('SIGINT'));
      process.on('SIGTERM', () => void stop('SIGTERM'));
    });
}
