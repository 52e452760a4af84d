/**
 * Sizes libuv's thread pool before anything uses it. Every durable blob write is a file
 * fsync plus a folder fsync, each holding a pool thread; with Node's default of 4 threads,
 * 20 concurrent SMTP sessions queue behind each other. Imported first by cli/main.ts: the
 * pool is created on first use, so setting the variable here still takes effect.
 */
process.env.UV_THREADPOOL_SIZE ??= '32';
export {};
