// Child-process entry that can run TypeScript: registers tsx, receives the start-up data (the
// parent's first message), then loads the module whose URL is argv[2] (see startChild in
// child-process.ts). A child whose parent is gone (killed, crashed) stops instead of working on unobserved.
import { register } from 'tsx/esm/api';

process.on('disconnect', () => process.exit(0));
register();
const { receiveStartup } = await import('./child-process.ts');
await receiveStartup();
await import(process.argv[2]);
