/** `coalesce generate`: synthetic customer profiles with ground truth (see docs/evaluation.md). */
import type { Command } from 'commander';
import { generateRecords } from '../../engine/generate/index.js';
import { formatOf, writeRecords } from '../../engine/generate/files.js';

function positiveInt(name: string, v: string, min = 0): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min}, got '${v}'`);
  return n;
}

export function register(program: Command): void {
  program
    .command('generate')
    .description('Write synthetic customer profiles with ground truth (_entityId) to a .jsonl or .csv file')
    .requiredOption('-n, --profiles <n>', 'number of profiles')
    .requiredOption('-o, --out <file>', 'output file (.jsonl or .csv)')
    .option('-s, --seed <seed>', 'random seed (same seed → same file)', '1')
    .option('--noise <level>', 'noise multiplier (0 = clean duplicates, 1 = default, 2 = twice as noisy)', '1')
    .action(async (opts: { profiles: string; out: string; seed: string; noise: string }) => {
      let n: number, seed: number, noise: number;
      try {
        n = positiveInt('--profiles', opts.profiles);
        seed = positiveInt('--seed', opts.seed);
        noise = Number(opts.noise);
        if (!Number.isFinite(noise) || noise < 0) throw new Error(`--noise must be a number ≥ 0, got '${opts.noise}'`);
        formatOf(opts.out);
      } catch (err) {
        console.error(`coalesce generate: ${(err as Error).message}`);
        process.exit(2);
      }
      const t0 = performance.now();
      const count = await writeRecords(generateRecords(n, seed, { noise, meta: false }), opts.out);
      const s = (performance.now() - t0) / 1000;
      console.error(`wrote ${count} profiles to ${opts.out} in ${s.toFixed(1)} s (${Math.round(count / s)}/s, seed ${seed}, noise ${noise})`);
    });
}
