/**
 * Starts a worker thread on a module of ours, given its URL as the caller sees it
 * (`new URL('./x.js', import.meta.url)`). Built (dist/), that is the module's JavaScript.
 * Run from the sources under tsx (tests, benches), the module is TypeScript, and tsx's ESM
 * hooks do not reach worker threads on Node 20, so the worker registers tsx's CommonJS hook
 * and requires the .ts file instead.
 */
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

export function startWorker(module: URL, options: Pick<WorkerOptions, 'workerData'> = {}): Worker {
  // --input-type is for the parent's own -e code: a worker given it would refuse its file,
  // and run the CommonJS below as a module
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--input-type'));
  if (!import.meta.url.endsWith('.ts')) return new Worker(module, { ...options, execArgv });
  const source = fileURLToPath(module).replace(/\.js$/, '.ts');
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(source)});`, { ...options, eval: true, execArgv });
}
