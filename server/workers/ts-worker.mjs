// Worker-thread entry that can run TypeScript: Node 20 workers do not inherit tsx's loader
// from `--import tsx`, so register it here, then load the module named in workerData.entry.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
