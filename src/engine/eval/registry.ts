/** Dataset names → loaders, for the CLI, the tests and the benchmark. */
import { loadFake1000, loadFebrl, loadSenzing } from './datasets.js';
import { generatedDataset } from './generated.js';
import type { DatasetName, LabelledDataset } from './types.js';

export interface DatasetOptions {
  /** Generated set only: number of profiles (default 10,000). */
  profiles?: number;
  /** Generated set only: generator seed (default 1). */
  seed?: number;
  /** Generated set only: noise multiplier (default 1). */
  noise?: number;
}

export function loadDataset(name: DatasetName, opts: DatasetOptions = {}): LabelledDataset {
  switch (name) {
    case 'febrl1': return loadFebrl(1);
    case 'febrl3': return loadFebrl(3);
    case 'fake_1000': return loadFake1000();
    case 'senzing': return loadSenzing();
    case 'generated': return generatedDataset(opts.profiles ?? 10_000, opts.seed ?? 1, opts.noise ?? 1);
  }
}
