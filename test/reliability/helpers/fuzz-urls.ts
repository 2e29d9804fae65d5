/**
 * Mangled URLs for every route: a valid path from a template, then segments replaced (traversal,
 * encoded and double-encoded, very long, odd numbers, prototype names), dropped, duplicated, the
 * prefix bent, the query string broken, the method changed.
 */
import { FAMILY } from './files.ts';
import type { Rng } from './prng.ts';

export interface UrlContext {
  variant: string;
  analyzers: readonly string[];
  crossAnalyzers: readonly string[];
  epochs: readonly number[];
  jobIds: readonly string[];
}

export interface UrlCase {
  method: string;
  path: string;
  body?: string;
  steps: string[];
}

/** Node refuses request lines and headers longer than this (--max-http-header-size) before the app sees them. */
export const NODE_HEADER_LIMIT = 16 * 1024;

type Template = { method: string; segments: (ctx: UrlContext, rng: Rng) => string[]; query?: (ctx: UrlContext, rng: Rng) => string };

const TEMPLATES: Template[] = [
  { method: 'GET', segments: () => ['api', 'version'] },
  { method: 'GET', segments: () => ['api', 'families'] },
  { method: 'GET', segments: () => ['api', 'families', FAMILY, 'variants'] },
  { method: 'GET', segments: (c) => ['api', 'variants', FAMILY, c.variant] },
  { method: 'GET', segments: (c) => ['api', 'variants', FAMILY, c.variant, 'status'] },
  {
    method: 'GET',
    segments: (c, r) => ['api', 'variants', FAMILY, c.variant, 'artifacts', r.pick(c.analyzers), 'epochs', String(r.pick(c.epochs))],
  },
  { method: 'GET', segments: (c, r) => ['api', 'variants', FAMILY, c.variant, 'summaries', r.pick(c.analyzers)] },
  { method: 'GET', segments: (c, r) => ['api', 'variants', FAMILY, c.variant, 'cross-epoch', r.pick(c.crossAnalyzers)] },
  {
    method: 'GET',
    segments: (c, r) => ['api', 'variants', FAMILY, c.variant, 'neurons', String(r.int(0, 511)), 'epochs', String(r.pick(c.epochs))],
  },
  {
    method: 'GET',
    segments: (c, r) => ['api', 'variants', FAMILY, c.variant, 'attention', String(r.pick(c.epochs))],
    query: (_, r) => `query=${r.int(0, 2)}&key=${r.int(0, 2)}`,
  },
  {
    method: 'GET',
    segments: () => ['api', 'jobs'],
    query: (c, r) =>
      [
        r.chance(0.5) ? `kind=${r.pick(['train', 'analyze'])}` : '',
        r.chance(0.5) ? `state=${r.pick(['running', 'succeeded', 'failed', 'cancelled', 'interrupted'])}` : '',
        r.chance(0.3) ? `family=${FAMILY}` : '',
        r.chance(0.3) ? `variant=${c.variant}` : '',
      ]
        .filter(Boolean)
        .join('&'),
  },
  { method: 'GET', segments: (c, r) => ['api', 'jobs', r.pick(c.jobIds)] },
  { method: 'GET', segments: (c, r) => ['api', 'jobs', r.pick(c.jobIds), 'events'] },
  { method: 'POST', segments: (c, r) => ['api', 'jobs', r.pick(c.jobIds), 'cancel'] },
];

const LENGTHS = [199, 200, 201, 1000, 4000, 8000, 12_000];

function weirdSegment(rng: Rng): string {
  switch (rng.int(0, 6)) {
    case 0:
      return rng.pick([
        '..',
        '.',
        '%2e%2e',
        '%2E%2E',
        '.%2e',
        '..%2f',
        '..%2F..%2F..%2Fetc%2Fpasswd',
        '%2e%2e%2f%2e%2e%2f',
        '..%5c..%5c',
        '..\\..\\',
        '....//',
        '..;',
        '%2e%2e;x',
        '%252e%252e%252f',
        '%25252e%25252e',
      ]);
    case 1:
      return rng.pick([
        '%00',
        '%',
        '%zz',
        '%2',
        '%C0%AF',
        '%E0%A4%A',
        '%F0%9F%98%80',
        '%ED%A0%80',
        '%FF%FE',
        '%FC',
        '%C3%BC',
        '~',
        '.hidden',
        '-',
        '_',
        '%20',
        '+',
        '%0a',
        '%0d%0a',
      ]);
    case 2:
      return rng.pick(['x', 'a', 'Z']).repeat(rng.pick(LENGTHS));
    case 3:
      return rng.pick([
        '-1',
        '1e3',
        '0x10',
        '00000',
        '000001',
        '9999999999',
        '999999999',
        '4294967296',
        '1.5',
        '+1',
        'NaN',
        'Infinity',
        '%D9%A1',
        '0%00',
        ' 1'.replace(' ', '%20'),
      ]);
    case 4:
      return rng.pick([
        'null',
        'undefined',
        '__proto__',
        'constructor',
        'prototype',
        'toString',
        'hasOwnProperty',
        'true',
        '[]',
        '{}',
        '%7B%7D',
      ]);
    case 5:
      return rng.pick([
        `${FAMILY}_p5_seed1`,
        `${FAMILY}_p05_seed1`,
        `${FAMILY}_p113_seed999`,
        `${FAMILY}_p4_seed1`,
        `${FAMILY}_p5_seed-1`,
        FAMILY,
        'unknown_family',
        'neuron_activations',
        'parameter_trajectory',
        'summary',
        'manifest.json',
        'metadata.json',
        'checkpoints',
      ]);
    default:
      return encodeURIComponent(encodeURIComponent(rng.pick(['../', '..', '/', '%', 'é', '\\'])));
  }
}

function weirdQuery(rng: Rng): string {
  return rng.pick([
    '',
    '%',
    '%zz',
    '&&&',
    '=',
    '==',
    'query=-1',
    'query=3',
    'query=1e3',
    'query=%F0%9F%98%80',
    'query=1&query=2',
    'key=0x1',
    'key=',
    'kind=train&kind=analyze',
    'kind=%00',
    'state=RUNNING',
    'variant=..%2f..%2f',
    '__proto__[polluted]=1',
    'constructor[prototype][polluted]=1',
    `x=${'q'.repeat(rng.pick([100, 4000, 12_000]))}`,
    `family=${FAMILY}&family=other`,
    'a[b][c][d][e][f][g]=1',
  ]);
}

const PREFIXES = ['/api', '/API', '//api', '/./api', '/api/.', '/api/../api', '/%61pi', '/api%2f', '/api/', '/ap', '', '/api;x'];

export function urlCase(rng: Rng, context: UrlContext): UrlCase {
  const template = rng.pick(TEMPLATES);
  const segments = template.segments(context, rng);
  let query = template.query?.(context, rng) ?? '';
  let method = template.method;
  let prefix: string | undefined;
  let trailing = '';
  const steps: string[] = [];
  const mutations = rng.pick([0, 1, 1, 1, 2, 2, 3]);
  for (let i = 0; i < mutations; i++) {
    switch (rng.int(0, 8)) {
      case 0:
      case 1:
      case 2: {
        const at = rng.int(1, segments.length - 1 || 1);
        const segment = weirdSegment(rng);
        segments[at] = segment;
        steps.push(`segment ${at} = ${segment.length > 40 ? `${segment.slice(0, 20)}… (${segment.length} characters)` : segment}`);
        break;
      }
      case 3: {
        const at = rng.int(1, segments.length - 1 || 1);
        if (rng.chance(0.5)) segments.splice(at, 1);
        else segments.splice(at, 0, segments[at] ?? 'x');
        steps.push(`segment ${at} dropped or doubled`);
        break;
      }
      case 4:
        segments.push(weirdSegment(rng));
        steps.push('extra segment');
        break;
      case 5:
        trailing = rng.pick(['/', '//', '/.', '/..', '%2f', '?', '#x']);
        steps.push(`trailing ${trailing}`);
        break;
      case 6:
        prefix = rng.pick(PREFIXES);
        steps.push(`prefix ${prefix}`);
        break;
      case 7:
        query = rng.chance(0.5) ? weirdQuery(rng) : `${query}&${weirdQuery(rng)}`;
        steps.push(`query ${query.length > 60 ? `${query.slice(0, 40)}…` : query}`);
        break;
      default:
        method = rng.pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']);
        steps.push(`method ${method}`);
    }
  }
  // A DELETE whose path still names a variant is a real, valid deletion, not a mangled URL: give it a segment no route has.
  if (method === 'DELETE' && !steps.some((step) => step.startsWith('segment') || step === 'extra segment')) {
    segments.push(weirdSegment(rng));
    steps.push('extra segment');
  }
  const rest = segments.slice(1).join('/');
  let path = `${prefix ?? '/api'}${prefix === '' ? '/' : '/'}${rest}${trailing}`;
  if (query) path += `${path.includes('?') ? '&' : '?'}${query}`;
  // Keep within Node's request-line limit: beyond it Node answers 431 itself (its own check covers that).
  if (path.length > NODE_HEADER_LIMIT - 1024) path = path.slice(0, NODE_HEADER_LIMIT - 1024);
  const body = method === 'POST' && rng.chance(0.5) ? rng.pick(['{}', '{"x":1}', '[]', 'null', '{']) : undefined;
  return { method, path, body, steps };
}
