/**
 * `npm run bench`: runs every bench/*.bench.ts in turn (or those whose name contains an
 * argument) and prints their figures. Each bench file exports `run(): Promise<void>` that
 * prints `name: value unit` lines. Benchmarks measure; tests never time things.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

const dir = fileURLToPath(new URL('.', import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
for (const f of files) {
  console.log(`\n== ${f.replace('.bench.ts', '')}`);
  const mod = (await import(pathToFileURL(join(dir, f)).href)) as { run: () => Promise<void> };
  await mod.run();
}
