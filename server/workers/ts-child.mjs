// Child-process entry that can run TypeScript: registers tsx, then loads the module whose URL is
// argv[2] (startChild in child-process.ts passes it, with the module's JSON data in argv[3]).
// A child whose parent is gone (killed, crashed) stops instead of working on unobserved.
import { register } from 'tsx/esm/api';

process.on('disconnect', () => process.exit(0));
register();
await import(process.argv[2]);
