/**
 * Job bodies for POST /api/jobs, made by mutating valid ones: structural mutations of the JSON
 * value (wrong types, edge numbers, long strings, deep nesting, unknown and prototype keys,
 * duplicated keys, arrays for objects, long checkpoint lists), then sometimes of its text
 * (truncated, invalid UTF-8, padded) and of its headers (content type, origin, host).
 *
 * Valid bodies train tiny variants (p = 5, 7, 11; 3 to 20 epochs) or analyze one trained at
 * setup, so an accepted job ends within seconds.
 */
import { FAMILY } from './files.ts';
import type { Rng } from './prng.ts';

/** JSON text written as is: tokens JSON.stringify cannot make (1e999, NaN) and fragments too deep to stringify. */
export class Raw {
  constructor(readonly text: string) {}
}

export type Value = null | boolean | number | string | Raw | Value[] | Obj;
/** Made with a null prototype, so "__proto__" is an ordinary key. */
export interface Obj {
  [key: string]: Value;
}

export function obj(entries: Record<string, Value>): Obj {
  return Object.assign(Object.create(null) as Obj, entries);
}

export function serialize(value: Value): string {
  if (value instanceof Raw) return value.text;
  if (typeof value === 'number') return Number.isFinite(value) ? (Object.is(value, -0) ? '-0' : JSON.stringify(value)) : String(value);
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(serialize).join(',')}]`;
  return `{${Object.keys(value)
    .map((key) => `${JSON.stringify(key)}:${serialize(value[key]!)}`)
    .join(',')}}`;
}

export interface BodyCase {
  body: string | Buffer;
  headers: Record<string, string | undefined>;
  /** What was done to the valid body, for failure messages. */
  steps: string[];
}

export const OFFERED_ANALYZERS = [
  'attention_freq',
  'attention_patterns',
  'dominant_frequencies',
  'neuron_activations',
  'neuron_freq_norm',
  'parameter_snapshot',
  'effective_dimensionality',
  'landscape_flatness',
  'coarseness',
  'parameter_trajectory',
];

const SMALL_PRIMES = [5, 7, 11];

function trainBody(rng: Rng): Obj {
  const numEpochs = rng.int(3, 20);
  const training = obj({});
  if (rng.chance(0.9)) training.num_epochs = numEpochs;
  if (rng.chance(0.3)) training.data_seed = rng.int(0, 1000);
  if (rng.chance(0.3)) training.training_fraction = rng.pick([0.3, 0.5, 0.7]);
  if (rng.chance(0.4) && training.num_epochs !== undefined)
    training.checkpoint_epochs = rng.subset(
      Array.from({ length: numEpochs }, (_, i) => i),
      0.3,
    );
  const body = obj({ kind: 'train', family: FAMILY, params: obj({ prime: rng.pick(SMALL_PRIMES), seed: rng.int(0, 60) }) });
  // Without num_epochs the run would be the default 25,000 epochs: keep it, but the runner cancels such a job at once.
  if (Object.keys(training).length > 0 || rng.chance(0.5)) body.training = training;
  if (rng.chance(0.3)) body.overwrite = rng.chance(0.5);
  return body;
}

function analyzeBody(rng: Rng, variants: readonly string[]): Obj {
  const body = obj({ kind: 'analyze', family: FAMILY, variant: rng.pick(variants) });
  if (rng.chance(0.4)) body.analyzers = rng.subset(OFFERED_ANALYZERS, 0.3).slice(0, 10);
  if (rng.chance(0.3)) body.force = rng.chance(0.5);
  return body;
}

const LONG_LENGTHS = [201, 1000, 10_000, 100_000, 250_000, 300_000];
const DEPTHS = [10, 100, 1000, 5000, 20_000, 60_000];

function longString(rng: Rng): string {
  const unit = rng.pick(['x', '9', '😀', 'é', '\u0000', '\ud800', '../', '"', '\\']);
  return unit.repeat(Math.ceil(rng.pick(LONG_LENGTHS) / unit.length));
}

class Deep extends Raw {
  constructor(
    readonly depth: number,
    open: string,
    inner: string,
    close: string,
  ) {
    super(open.repeat(depth) + inner + close.repeat(depth));
  }
}

function deep(rng: Rng): Deep {
  const [open, inner, close] = rng.pick([
    ['[', '', ']'],
    ['{"a":', '1', '}'],
    ['[', '5', ']'],
  ] as const);
  return new Deep(rng.pick(DEPTHS), open, inner, close);
}

const NUMBER_EDGES: Value[] = [
  0,
  -1,
  1.5,
  -0,
  2,
  3,
  4,
  257,
  263,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 53,
  2 ** 53 + 2,
  1e21,
  1e308,
  -1e308,
  5e-324,
  Number.MAX_SAFE_INTEGER,
  1_000_000,
  1_000_001,
  new Raw('1e999'),
  new Raw('-1e999'),
  new Raw('1e-400'),
  new Raw('123456789012345678901234567890'),
  new Raw('5.0'),
  new Raw('5e0'),
  new Raw('-0.0'),
  new Raw('NaN'),
  new Raw('Infinity'),
  new Raw('0x10'),
  new Raw('+1'),
  new Raw('01'),
  new Raw('.5'),
  new Raw('5.'),
];

const STRING_EDGES: Value[] = [
  '',
  ' ',
  '5',
  '5.0',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e999',
  'null',
  'true',
  'undefined',
  '\u0000',
  '😀',
  'ٱلْعَرَبِيَّة',
  '\ud800',
  '\udfff\ud800',
  'train',
  'analyze',
  'TRAIN',
  ' train',
  'train\u0000',
  FAMILY,
  `${FAMILY}/../x`,
  '../../etc/passwd',
  '..',
  '.',
  '.hidden',
  'a/b',
  'a\\b',
  '%2e%2e',
  `${FAMILY}_p5_seed1`,
  `${FAMILY}_p05_seed1`,
  `${FAMILY}_p5_seed1/..`,
  '__proto__',
  'constructor',
  'prototype',
];

/** A value of any type at all, often nonsense. */
function weird(rng: Rng): Value {
  switch (rng.int(0, 9)) {
    case 0:
      return rng.pick([null, true, false]);
    case 1:
    case 2:
      return rng.pick(NUMBER_EDGES);
    case 3:
    case 4:
      return rng.pick(STRING_EDGES);
    case 5:
      return longString(rng);
    case 6:
      return rng.pick<Value>([[], [5], [5, 1], [null], ['x'], [[]], obj({}), obj({ prime: 5, seed: 1 }), obj({ a: obj({ b: [1] }) })]);
    case 7:
      return deep(rng);
    case 8: {
      // An own "__proto__" key (a null-prototype object has no __proto__ setter).
      const polluter = obj({});
      polluter[rng.pick(['__proto__', 'constructor', 'prototype'])] = obj({ polluted: true, prototype: obj({ polluted: true }) });
      return polluter;
    }
    default:
      return rng.int(-10, 300);
  }
}

type Path = (string | number)[];

/** Every path to a node of the tree (Raw leaves included), the root first. */
function paths(value: Value, at: Path = []): Path[] {
  const found: Path[] = [at];
  if (value instanceof Raw || value === null || typeof value !== 'object') return found;
  if (Array.isArray(value)) {
    // Long lists: a few of their items are enough.
    value.slice(0, 8).forEach((item, i) => found.push(...paths(item, [...at, i])));
  } else {
    for (const key of Object.keys(value)) found.push(...paths(value[key]!, [...at, key]));
  }
  return found;
}

function get(root: Value, path: Path): Value {
  let node = root;
  for (const key of path) node = (node as Record<string | number, Value>)[key]!;
  return node;
}

function set(root: Value, path: Path, value: Value): Value {
  if (path.length === 0) return value;
  (get(root, path.slice(0, -1)) as Record<string | number, Value>)[path.at(-1)!] = value;
  return root;
}

function isObj(value: Value): value is Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Raw);
}

const KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '',
  ' ',
  'kind ',
  'KIND',
  '😀',
  '\u0000',
  'x'.repeat(1000),
  'extra',
  'params',
  'training',
  'overwrite',
  'force',
  'analyzers',
  'variant',
];

/** One structural mutation, in place where it can; returns the new root and a name for it. */
function mutate(rng: Rng, root: Value): [Value, string] {
  const all = paths(root);
  const objects = all.filter((path) => isObj(get(root, path)));
  const path = rng.pick(all);
  const where = path.length > 0 ? path.join('.') : '(body)';
  switch (rng.int(0, 13)) {
    case 0:
    case 1:
    case 2: {
      const value = weird(rng);
      return [set(root, path, value), `${where} = ${describe(value)}`];
    }
    case 3: {
      if (path.length === 0) return [root, 'nothing'];
      const parent = get(root, path.slice(0, -1));
      if (Array.isArray(parent)) parent.splice(path.at(-1) as number, 1);
      else if (isObj(parent)) delete parent[path.at(-1) as string];
      return [root, `delete ${where}`];
    }
    case 4: {
      if (objects.length === 0) return [root, 'nothing'];
      const target = rng.pick(objects);
      const key = rng.pick(KEYS);
      const value = weird(rng);
      (get(root, target) as Obj)[key] = value;
      return [root, `${[...target, JSON.stringify(key.slice(0, 20))].join('.')} += ${describe(value)}`];
    }
    case 5: {
      // A duplicated key: JSON.parse keeps the last one.
      if (objects.length === 0) return [root, 'nothing'];
      const target = rng.pick(objects);
      const node = get(root, target) as Obj;
      const keys = Object.keys(node);
      if (keys.length === 0) return [root, 'nothing'];
      const key = rng.pick(keys);
      const twin = rng.chance(0.5) ? weird(rng) : node[key]!;
      const entries = keys.map((k) => `${JSON.stringify(k)}:${serialize(node[k]!)}`);
      entries.splice(rng.int(0, entries.length), 0, `${JSON.stringify(key)}:${serialize(twin)}`);
      return [set(root, target, new Raw(`{${entries.join(',')}}`)), `duplicate ${[...target, key].join('.')}`];
    }
    case 6: {
      if (objects.length === 0) return [root, 'nothing'];
      const target = rng.pick(objects);
      const node = get(root, target) as Obj;
      const list: Value = rng.chance(0.5) ? Object.keys(node).map((k) => node[k]!) : [node];
      return [set(root, target, list), `${target.join('.') || '(body)'} as a list`];
    }
    case 7: {
      const value = deep(rng);
      return [set(root, path, value), `${where} = nesting ${value.depth} deep`];
    }
    case 8: {
      const value = longString(rng);
      return [set(root, path, value), `${where} = ${describe(value)}`];
    }
    case 9: {
      // A long checkpoint list, valid or not.
      if (!isObj(root)) return [root, 'nothing'];
      const training = isObj(root.training ?? null) ? (root.training as Obj) : (root.training = obj({ num_epochs: 5 }));
      const length = rng.pick([100, 1000, 9_999, 10_000, 10_001, 30_000, 60_000]);
      const numEpochs = typeof training.num_epochs === 'number' ? training.num_epochs : 25_000;
      const kind = rng.int(0, 3);
      const item = (i: number): Value =>
        kind === 0
          ? i % numEpochs
          : kind === 1
            ? rng.int(-5, numEpochs + 5)
            : kind === 2
              ? i === length - 1
                ? numEpochs
                : 0
              : rng.pick(NUMBER_EDGES);
      training.checkpoint_epochs = Array.from({ length }, (_, i) => item(i));
      return [
        root,
        `training.checkpoint_epochs = ${length} epochs (${['in range', 'random', 'last beyond the run', 'edge numbers'][kind]})`,
      ];
    }
    case 10: {
      const value = rng.pick(NUMBER_EDGES);
      return [set(root, path, value), `${where} = ${describe(value)}`];
    }
    case 11: {
      // Still valid: another variant, overwrite, force.
      if (!isObj(root)) return [root, 'nothing'];
      if (root.kind === 'train' && isObj(root.params ?? null)) {
        const params = root.params as Obj;
        params.seed = rng.int(0, 60);
        if (rng.chance(0.3)) params.prime = rng.pick(SMALL_PRIMES);
        if (rng.chance(0.3)) root.overwrite = true;
        return [
          root,
          `valid: params ${serialize(params)}, overwrite ${root.overwrite === undefined ? 'absent' : describe(root.overwrite)}`,
        ];
      }
      root.force = rng.chance(0.5);
      return [root, `valid: force ${String(root.force)}`];
    }
    case 12: {
      if (!isObj(root)) return [root, 'nothing'];
      root.kind = rng.pick<Value>(['train', 'analyze', 'Train', 'delete', '']);
      return [root, `kind = ${describe(root.kind)}`];
    }
    default: {
      if (!isObj(root)) return [root, 'nothing'];
      root.family = rng.pick<Value>([
        'unknown_family',
        `${FAMILY}_x`,
        '..',
        'x/..',
        FAMILY.toUpperCase(),
        'a'.repeat(201),
        '😀',
        '.hidden',
        null,
        5,
      ]);
      return [root, `family = ${describe(root.family)}`];
    }
  }
}

function describe(value: Value): string {
  const text = serialize(value);
  return text.length > 60 ? `${text.slice(0, 40)}… (${text.length} characters)` : text;
}

/** A mutation of the serialized text. */
function mutateText(rng: Rng, text: string): [string | Buffer, string] {
  switch (rng.int(0, 8)) {
    case 0: {
      const at = rng.int(0, Math.max(0, text.length - 1));
      return [text.slice(0, at), `truncated at ${at} of ${text.length}`];
    }
    case 1: {
      const at = rng.int(0, text.length);
      const bytes = Buffer.from(text.slice(0, at), 'utf8');
      const junk = Buffer.from(rng.pick([[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x80]]));
      return [Buffer.concat([bytes, junk, Buffer.from(text.slice(at), 'utf8')]), `invalid UTF-8 at ${at}`];
    }
    case 2:
      return [`\ufeff${text}`, 'byte order mark'];
    case 3:
      return [`${text}${rng.pick(['x', ',', '}', ']', '{}', '\u0000', ' '.repeat(1000)])}`, 'trailing junk'];
    case 4: {
      const at = rng.int(0, text.length);
      return [
        text.slice(0, at) + rng.pick(['"', '{', '}', '[', ']', ',', ':', '\\', '\n', '\u0000']) + text.slice(at),
        `stray character at ${at}`,
      ];
    }
    case 5:
      return [rng.pick(['', ' ', 'null', 'true', '0', '"train"', '[]', '{}', '{"kind":"train"}']), 'replaced by a bare value'];
    case 6:
      return [`[${text}]`, 'wrapped in a list'];
    case 7:
      return [' '.repeat(rng.pick([10, 100_000, 300_000])) + text, 'leading whitespace'];
    default:
      return [`${text}${text}`, 'written twice'];
  }
}

/** Headers beside the JSON content type: refused types, foreign origins and hosts. */
function mutateHeaders(rng: Rng, base: string): [Record<string, string | undefined>, string] {
  switch (rng.int(0, 3)) {
    case 0: {
      const type = rng.pick([
        undefined,
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/jsonx',
        'application/json; charset=utf-16',
        'APPLICATION/JSON',
        'application/json;charset=latin1',
        '',
      ]);
      return [{ 'content-type': type }, `content-type ${JSON.stringify(type)}`];
    }
    case 1: {
      const origin = rng.pick(['http://evil.example', 'null', base, base.replace('127.0.0.1', 'localhost'), 'http://127.0.0.1', 'file://']);
      return [{ origin }, `origin ${origin}`];
    }
    case 2: {
      const host = rng.pick(['evil.example', 'localhost', '127.0.0.1', '127.0.0.1.evil.example', '[::1]', 'LOCALHOST:1', '']);
      return [{ host }, `host ${JSON.stringify(host)}`];
    }
    default:
      return [{ 'content-type': 'application/json', accept: rng.pick(['text/html', '*/*', 'application/xml']) }, 'accept header'];
  }
}

export interface BodyContext {
  /** The server's base URL (for same-origin headers). */
  base: string;
  /** Variant names for analyze bodies: trained ones and others. */
  variants: readonly string[];
}

/** A random case: a valid body, `validShare` of them left so, the others mutated one to three times. */
export function bodyCase(rng: Rng, context: BodyContext, validShare = 0.05): BodyCase {
  let value: Value = rng.chance(0.6) ? trainBody(rng) : analyzeBody(rng, context.variants);
  const steps: string[] = [`valid ${serialize(value).slice(0, 200)}`];
  const mutations = rng.chance(validShare) ? 0 : rng.pick([1, 1, 1, 2, 2, 3]);
  for (let i = 0; i < mutations; i++) {
    let step: string;
    [value, step] = mutate(rng, value);
    steps.push(step);
  }
  let body: string | Buffer = serialize(value);
  if (rng.chance(0.12)) {
    let step: string;
    [body, step] = mutateText(rng, body);
    steps.push(step);
  }
  let headers: Record<string, string | undefined> = {};
  if (rng.chance(0.08)) {
    let step: string;
    [headers, step] = mutateHeaders(rng, context.base);
    steps.push(step);
  }
  return { body, headers, steps };
}

/** Values every field of a full body gets in turn (systematicCases). */
const HOSTILE: [string, () => Value][] = [
  ['a list nested 5,000 deep', () => new Raw('['.repeat(5000) + ']'.repeat(5000))],
  ['a list nested 60,000 deep', () => new Raw('['.repeat(60_000) + ']'.repeat(60_000))],
  ['an object nested 20,000 deep', () => new Raw('{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000))],
  ['a 100,000-character string', () => 'x'.repeat(100_000)],
  ['a 250,000-character string', () => '9'.repeat(250_000)],
  ['1e999', () => new Raw('1e999')],
  ['NaN', () => new Raw('NaN')],
  ['"NaN"', () => 'NaN'],
  ['2^53 + 2', () => 2 ** 53 + 2],
  ['-0', () => -0],
  ['a lone surrogate', () => '\ud800'],
  ['[]', () => []],
  ['{}', () => obj({})],
  ['null', () => null],
  ['an own __proto__', () => Object.assign(obj({}), { ['__proto__']: obj({ polluted: true }) })],
];

function fullTrainBody(): Obj {
  return obj({
    kind: 'train',
    family: FAMILY,
    params: obj({ prime: 5, seed: 77 }),
    training: obj({ num_epochs: 5, data_seed: 1, training_fraction: 0.5, checkpoint_epochs: [0, 1] }),
    overwrite: false,
  });
}

function fullAnalyzeBody(variant: string): Obj {
  return obj({ kind: 'analyze', family: FAMILY, variant, analyzers: ['coarseness', 'parameter_trajectory'], force: false });
}

/**
 * The same hostile values in every field of a full train body and a full analyze body, and the
 * prototype keys and a duplicated key in every object of them: the cases random mutation may miss.
 */
export function systematicCases(context: BodyContext): BodyCase[] {
  const cases: BodyCase[] = [];
  for (const make of [fullTrainBody, () => fullAnalyzeBody(context.variants[0]!)]) {
    for (const path of paths(make())) {
      for (const [name, value] of HOSTILE) {
        const body = set(make(), path, value());
        cases.push({ body: serialize(body), headers: {}, steps: [`${path.join('.') || '(body)'} = ${name}`] });
      }
    }
    for (const path of paths(make()).filter((p) => isObj(get(make(), p)))) {
      for (const key of ['__proto__', 'constructor', 'prototype']) {
        const body = make();
        const target = get(body, path) as Obj;
        target[key] = obj({ polluted: true, kind: 'analyze' });
        cases.push({ body: serialize(body), headers: {}, steps: [`${[...path, key].join('.')} = { polluted }`] });
      }
      const target = get(make(), path) as Obj;
      const keys = Object.keys(target);
      const twin = `${JSON.stringify(keys[0])}:${serialize(weirdFor(keys[0]!))}`;
      const entries = keys.map((k) => `${JSON.stringify(k)}:${serialize(target[k]!)}`);
      // JSON.parse keeps the last: the valid value first, then the bad one; and the other way round.
      for (const [order, text] of [
        ['bad one last', `{${[...entries, twin].join(',')}}`],
        ['bad one first', `{${[twin, ...entries].join(',')}}`],
      ] as const) {
        cases.push({
          body: serialize(set(make(), path, new Raw(text))),
          headers: {},
          steps: [`${[...path, keys[0]].join('.')} duplicated, ${order}`],
        });
      }
    }
  }
  return cases;
}

function weirdFor(key: string): Value {
  return key === 'kind' ? 'delete' : key === 'family' ? '..' : key === 'variant' ? '../x' : 'x';
}
