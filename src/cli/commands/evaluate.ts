/** `coalesce evaluate`: runs the engine on labelled data and prints pairwise / B-cubed / blocking metrics. */
import type { Command } from 'commander';
import { EngineNotReadyError, loadEngine } from '../../engine/eval/engine-loader.js';
import { evaluateDataset, type EvaluationResult } from '../../engine/eval/evaluate.js';
import { loadDataset } from '../../engine/eval/registry.js';
import { errorsReport, lossReport, resultsTable } from '../../engine/eval/report.js';
import { DATASET_NAMES, type DatasetName, type LabelledDataset } from '../../engine/eval/types.js';
import { readRecords } from '../../engine/generate/files.js';
import type { EngineOptions } from '../../engine/types.js';

interface Opts {
  dataset: string; file?: string; profiles: string; seed: string; noise: string; showErrors: string; threshold?: string;
  workers?: string; json?: boolean;
}

function num(name: string, v: string | undefined, integer: boolean): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) throw new Error(`${name} must be a ${integer ? 'non-negative integer' : 'number ≥ 0'}, got '${v}'`);
  return n;
}

export function register(program: Command): void {
  program
    .command('evaluate')
    .description('Measure the engine against ground truth: pairwise P/R/F1, B-cubed, blocking recall')
    .option('-d, --dataset <name>', `${DATASET_NAMES.join('|')}|all`, 'all')
    .option('-f, --file <file>', 'evaluate a file written by `coalesce generate` (.jsonl/.csv) instead of a dataset')
    .option('-n, --profiles <n>', 'generated dataset: number of profiles', '10000')
    .option('-s, --seed <seed>', 'generated dataset: generator seed', '1')
    .option('--noise <level>', 'generated dataset: noise multiplier (1 = default noise)', '1')
    .option('--show-errors <n>', 'print the n most confident false positives and nearest false negatives', '0')
    .option('--threshold <p>', 'engine match threshold (default: the engine\'s own)')
    .option('--workers <n>', 'engine worker threads (default: the engine\'s own)')
    .option('--json', 'print results as JSON instead of a table')
    .action(async (opts: Opts) => {
      let names: DatasetName[];
      let engineOptions: EngineOptions;
      let showErrors: number;
      let profiles: number, seed: number, noise: number;
      try {
        if (opts.dataset !== 'all' && !DATASET_NAMES.includes(opts.dataset as DatasetName)) {
          throw new Error(`unknown dataset '${opts.dataset}' (expected ${DATASET_NAMES.join(', ')} or all)`);
        }
        names = opts.dataset === 'all' ? [...DATASET_NAMES] : [opts.dataset as DatasetName];
        profiles = num('--profiles', opts.profiles, true)!;
        seed = num('--seed', opts.seed, true)!;
        noise = num('--noise', opts.noise, false)!;
        showErrors = num('--show-errors', opts.showErrors, true)!;
        engineOptions = { threshold: num('--threshold', opts.threshold, false), workers: num('--workers', opts.workers, true) };
        if (engineOptions.threshold !== undefined && engineOptions.threshold > 1) throw new Error('--threshold must be in [0, 1]');
      } catch (err) {
        console.error(`coalesce evaluate: ${(err as Error).message}`);
        process.exit(2);
      }
      let engine;
      try {
        engine = await loadEngine();
      } catch (err) {
        if (err instanceof EngineNotReadyError) {
          console.error(`coalesce evaluate: ${err.message}`);
          process.exit(3);
        }
        throw err;
      }
      const sets: Array<() => Promise<LabelledDataset>> = opts.file
        ? [async () => ({ name: opts.file!, mapping: 'generated file (truth = _entityId)', ...(await readRecords(opts.file!)) })]
        : names.map((name) => async () => loadDataset(name, { profiles, seed, noise }));
      const results: EvaluationResult[] = [];
      for (const load of sets) {
        const ds = await load();
        const r = await evaluateDataset(ds, engine, { engine: engineOptions, showErrors });
        results.push(r);
        if (!opts.json && showErrors) {
          console.log(`\n## ${ds.name}\n`);
          console.log(errorsReport('False positives (linked, different true entities)', r.falsePositives));
          console.log(errorsReport('False negatives (same true entity, not grouped)', r.falseNegatives));
        }
      }
      if (opts.json) {
        console.log(JSON.stringify(results.map((r) => ({
          dataset: r.dataset, mapping: r.mapping, metrics: r.metrics, blocking: r.blocking, stats: r.result.stats,
          resolveMs: r.resolveMs, peakRssMiB: r.peakRssMiB, recallLoss: r.recallLoss, falsePositiveKinds: r.falsePositiveKinds,
        })), null, 2));
        return;
      }
      console.log(resultsTable(results));
      console.log('\n' + lossReport(results));
      console.log('\nField mappings:');
      for (const r of results) console.log(`  ${r.dataset}: ${r.mapping}`);
      if (results.some((r) => !r.blocking)) {
        console.log('\nblocking recall n/a: the engine does not expose its candidate pairs (see docs/evaluation.md)');
      }
    });
}
