/** Per test file (vitest setupFiles): remove the temporary directories its tests made (test/helpers/temp-dirs.ts). */
import { afterAll } from 'vitest';
import { removeTempDirs } from './temp-dirs.js';

afterAll(() => removeTempDirs());
