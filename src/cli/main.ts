/** The `coalesce` command line. Each subcommand lives in src/cli/commands/<name>.ts and exports register(program). */
import { Command } from 'commander';
import * as serve from './commands/serve.js';
import * as generate from './commands/generate.js';
import * as evaluate from './commands/evaluate.js';
import * as jobs from './commands/jobs.js';
import * as importCmd from './commands/import.js';
import * as match from './commands/match.js';

const program = new Command('coalesce')
  .description('Self-hosted identity resolution speaking the Amazon Connect Customer Profiles API')
  .version('0.1.0');

// Subcommands register themselves here (one import + one call each).
const commands: Array<{ register(p: Command): void }> = [serve, generate, evaluate, jobs, importCmd, match];
for (const c of commands) c.register(program);

await program.parseAsync(process.argv);
