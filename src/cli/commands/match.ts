/**
 * `coalesce match --domain D (--profile-id ID | --profile JSON | --profile @FILE)`: matches one profile against the
 * latest identity resolution job's profiles on a running server (the MatchProfile extension, SigV4-signed) and prints
 * the matches, most probable first. Credentials and endpoint as for `coalesce jobs` (src/cli/commands/jobs.ts).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { matchProfile } from '../../jobs/client.js';
import { clientOptions } from './jobs.js';

interface MatchOptions {
  domain: string; profileId?: string; profile?: string; minProbability?: string; maxResults?: string;
  json?: boolean; endpoint?: string; region?: string;
}

export function register(program: Command): void {
  program
    .command('match')
    .description("Match one profile against the latest identity resolution job's profiles (MatchProfile); writes nothing")
    .requiredOption('-d, --domain <name>', 'domain name')
    .option('--profile-id <id>', 'a stored profile to match')
    .option('--profile <json|@file>', "a profile's fields as JSON (CreateProfile's members), or @path of a JSON file")
    .option('--min-probability <p>', 'smallest match probability to list (default: the model threshold, 0.5)')
    .option('--max-results <n>', 'list at most this many matches (1-100, default 20)')
    .option('--json', 'print the MatchProfile response as JSON')
    .option('--endpoint <url>', 'Coalesce server URL')
    .option('--region <region>', 'signing region')
    .action(async (opts: MatchOptions) => {
      try {
        if ((opts.profileId === undefined) === (opts.profile === undefined)) throw new Error('give exactly one of --profile-id and --profile');
        const request: Record<string, unknown> = {};
        if (opts.profileId !== undefined) request.ProfileId = opts.profileId;
        if (opts.profile !== undefined) {
          const text = opts.profile.startsWith('@') ? readFileSync(opts.profile.slice(1), 'utf8') : opts.profile;
          try {
            request.Profile = JSON.parse(text);
          } catch (e) {
            throw new Error(`--profile is not valid JSON: ${(e as Error).message}`);
          }
        }
        if (opts.minProbability !== undefined) request.MinProbability = Number(opts.minProbability);
        if (opts.maxResults !== undefined) request.MaxResults = Number(opts.maxResults);
        const out = await matchProfile(clientOptions(opts.endpoint, opts.region), opts.domain, request);
        if (opts.json) {
          console.log(JSON.stringify(out, null, 2));
          return;
        }
        console.log(`Job ${out.JobId}: ${out.CandidatesCompared} candidate(s) compared, ${out.Matches.length} match(es)`);
        for (const m of out.Matches) {
          const evidence = m.Attributes.filter((a) => a.Weight !== 0).map((a) => `${a.Attribute}=${a.Level} (${a.Weight >= 0 ? '+' : ''}${a.Weight.toFixed(1)})`);
          console.log(`${m.ProfileId}  p=${m.Probability.toFixed(4)}  group=${m.MatchId ?? '-'}  ${evidence.join(', ')}`);
        }
      } catch (err) {
        console.error(`coalesce match: ${(err as Error).message}`);
        process.exitCode = 1;
      }
    });
}
