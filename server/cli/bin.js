#!/usr/bin/env node
// `workbench` command: register tsx so Node can load the TypeScript CLI, then run it.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
