import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../server/config.ts';
import { defaultMaxJobs } from '../../../server/jobs/cores.ts';
import { checkFolders, loadSettings, parseSettings, type Settings } from '../../../server/settings.ts';

const noMachineNames = () => [];

function settings(env: Record<string, string>): Settings {
  const parsed = parseSettings(env, noMachineNames);
  if ('problems' in parsed) throw new Error(parsed.problems.join('\n'));
  return parsed.settings;
}

function problems(env: Record<string, string>): string[] {
  const parsed = parseSettings(env, noMachineNames);
  return 'problems' in parsed ? parsed.problems : [];
}

describe('parseSettings', () => {
  it('gives the documented defaults for an empty environment', () => {
    expect(settings({})).toEqual({
      host: '127.0.0.1',
      port: 8787,
      paths: { resultsDir: resolve('results'), familiesDir: resolve(REPO_ROOT, 'server/families') },
      corsOrigins: [],
      allowedHosts: ['127.0.0.1'],
      maxConcurrentJobs: defaultMaxJobs(),
      queue: { kind: 'embedded' },
    });
  });

  it('reads every setting', () => {
    expect(
      settings({
        HOST: '192.168.1.20',
        PORT: '0',
        WORKBENCH_RESULTS_DIR: '/data/results',
        WORKBENCH_FAMILIES_DIR: 'families',
        WORKBENCH_CORS_ORIGINS: ' http://localhost:5173 , https://notebook.example ,',
        WORKBENCH_ALLOWED_HOSTS: 'Workbench.LAN,10.0.0.7,fe80::1',
        WORKBENCH_MAX_JOBS: '64',
        WORKBENCH_GEMM: 'portable',
        WORKBENCH_QUEUE: 'redis://redis.lan:6379/2',
      }),
    ).toEqual({
      host: '192.168.1.20',
      port: 0,
      paths: { resultsDir: '/data/results', familiesDir: resolve('families') },
      corsOrigins: ['http://localhost:5173', 'https://notebook.example'],
      allowedHosts: ['workbench.lan', '10.0.0.7', '[fe80::1]', '192.168.1.20'],
      maxConcurrentJobs: 64,
      queue: { kind: 'redis', url: 'redis://redis.lan:6379/2' },
    });
  });

  it('answers to the machine’s own names only when listening on every interface', () => {
    const machine = () => ['mybox', '192.168.1.20'];
    for (const HOST of ['0.0.0.0', '::']) {
      const parsed = parseSettings({ HOST, WORKBENCH_ALLOWED_HOSTS: 'workbench.lan' }, machine);
      expect(parsed).toMatchObject({ settings: { host: HOST, allowedHosts: ['workbench.lan', 'mybox', '192.168.1.20'] } });
    }
    expect(parseSettings({ HOST: '::1' }, machine)).toMatchObject({ settings: { allowedHosts: ['[::1]'] } });
  });

  it.each([
    ['PORT', 'abc', 'must be a whole number from 0 to 65535'],
    ['PORT', '65536', 'must be a whole number from 0 to 65535'],
    ['PORT', '80.5', 'must be a whole number from 0 to 65535'],
    ['PORT', '-1', 'must be a whole number from 0 to 65535'],
    ['PORT', '', 'must be a whole number from 0 to 65535'],
    ['WORKBENCH_MAX_JOBS', '0', 'must be a whole number from 1 to 64'],
    ['WORKBENCH_MAX_JOBS', 'abc', 'must be a whole number from 1 to 64'],
    ['WORKBENCH_MAX_JOBS', '65', 'must be a whole number from 1 to 64'],
    ['WORKBENCH_MAX_JOBS', '1e1', 'must be a whole number from 1 to 64'],
    ['WORKBENCH_GEMM', 'gpu', 'must be native or portable'],
    ['WORKBENCH_QUEUE', 'redis', 'must be embedded or a Redis URL such as redis://host:6379'],
    ['WORKBENCH_QUEUE', 'http://redis:6379', 'must be embedded or a Redis URL such as redis://host:6379'],
    ['WORKBENCH_GEMM', '', 'must be native or portable'],
    ['HOST', 'two words', 'must be a host name or IP address to listen on'],
    ['HOST', '', 'must be a host name or IP address to listen on'],
    ['HOST', '[::1]', 'must be a host name or IP address to listen on'],
    ['WORKBENCH_RESULTS_DIR', '', 'must be a folder path'],
    ['WORKBENCH_FAMILIES_DIR', '', 'must be a folder path'],
    [
      'WORKBENCH_CORS_ORIGINS',
      'http://localhost:5173/',
      '"http://localhost:5173/" is not an origin; each must be scheme://host[:port] without a path',
    ],
    ['WORKBENCH_CORS_ORIGINS', 'http://a.example,localhost:5173', '"localhost:5173" is not an origin'],
    ['WORKBENCH_CORS_ORIGINS', 'ftp://files.example', '"ftp://files.example" is not an origin'],
    ['WORKBENCH_CORS_ORIGINS', '*', '"*" is not an origin'],
    ['WORKBENCH_CORS_ORIGINS', 'http://Example.com', '"http://Example.com" is not an origin'],
    [
      'WORKBENCH_ALLOWED_HOSTS',
      'workbench.lan:8787',
      '"workbench.lan:8787" is not a host name; each must be a host name or IP address without a port',
    ],
    ['WORKBENCH_ALLOWED_HOSTS', 'http://workbench.lan', '"http://workbench.lan" is not a host name'],
  ])('refuses %s=%j with one line naming it, its value and what is allowed', (name, value, allowed) => {
    const lines = problems({ [name]: value });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.startsWith(`invalid setting ${name}=${JSON.stringify(value)}: `), lines[0]).toBe(true);
    expect(lines[0]).toContain(allowed);
    expect(lines[0]).not.toContain('\n');
  });

  it('words the line as documented', () => {
    expect(problems({ PORT: 'abc' })).toEqual(['invalid setting PORT="abc": must be a whole number from 0 to 65535']);
  });

  it('names every wrong setting once, in a line of its own', () => {
    expect(problems({ PORT: 'x', WORKBENCH_MAX_JOBS: '0', WORKBENCH_GEMM: 'gpu', HOST: 'localhost' })).toEqual([
      'invalid setting PORT="x": must be a whole number from 0 to 65535',
      'invalid setting WORKBENCH_MAX_JOBS="0": must be a whole number from 1 to 64',
      'invalid setting WORKBENCH_GEMM="gpu": must be native or portable',
    ]);
  });

  it('keeps a value with a line break on one line', () => {
    expect(problems({ PORT: '80\n81' })).toEqual(['invalid setting PORT="80\\n81": must be a whole number from 0 to 65535']);
  });
});

describe('checkFolders and loadSettings', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'workbench-settings-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  const familiesDir = resolve(REPO_ROOT, 'server/families');

  it('creates a missing results folder and leaves nothing in it', async () => {
    const resultsDir = join(root, 'a', 'b', 'results');
    expect(await checkFolders({ resultsDir, familiesDir })).toEqual([]);
    expect(await readdir(resultsDir)).toEqual([]);
  });

  it('refuses a results folder that cannot be created (under a regular file: permissions do not stop root)', async () => {
    await writeFile(join(root, 'file'), '');
    const resultsDir = join(root, 'file', 'results');
    const lines = await checkFolders({ resultsDir, familiesDir });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^invalid setting WORKBENCH_RESULTS_DIR=".*\/file\/results": must be a folder the server can create and write in \(ENOTDIR/,
    );
  });

  it('refuses a results "folder" that is a file', async () => {
    await writeFile(join(root, 'file'), '');
    expect(await checkFolders({ resultsDir: join(root, 'file'), familiesDir })).toEqual([
      expect.stringMatching(/^invalid setting WORKBENCH_RESULTS_DIR=".*\/file": must be a folder the server can create and write in/),
    ]);
  });

  it('refuses a families folder that is missing or a file', async () => {
    await writeFile(join(root, 'file'), '');
    for (const dir of [join(root, 'missing'), join(root, 'file')]) {
      expect(await checkFolders({ resultsDir: root, familiesDir: dir })).toEqual([
        `invalid setting WORKBENCH_FAMILIES_DIR=${JSON.stringify(dir)}: must be an existing folder`,
      ]);
    }
  });

  it('loadSettings checks the folders only once the values parse', async () => {
    await writeFile(join(root, 'file'), '');
    const unwritable = join(root, 'file', 'results');
    expect(await loadSettings({ PORT: 'abc', WORKBENCH_RESULTS_DIR: unwritable })).toEqual({
      problems: ['invalid setting PORT="abc": must be a whole number from 0 to 65535'],
    });
    expect(await loadSettings({ WORKBENCH_RESULTS_DIR: unwritable })).toEqual({
      problems: [expect.stringContaining('invalid setting WORKBENCH_RESULTS_DIR=')],
    });
    expect(await loadSettings({ WORKBENCH_RESULTS_DIR: join(root, 'results') })).toMatchObject({
      settings: { paths: { resultsDir: join(root, 'results') } },
    });
  });
});
