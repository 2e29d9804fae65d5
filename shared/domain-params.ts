/** Zod schemas for a family's domain parameters, built from its family.json declaration. */
import { z } from 'zod';
import type { DomainParameter, Family } from './family-schema.ts';
import { isPrime } from './numbers.ts';
import { describeInput } from './validation.ts';

/** Human description of what a parameter accepts, e.g. "a prime from 3 to 257". */
export function allowedValues(spec: DomainParameter): string {
  const noun = spec.constraint === 'prime' ? 'a prime' : spec.type === 'int' ? 'a whole number' : 'a number';
  return `${noun} from ${spec.min} to ${spec.max}`;
}

export function domainParameterSchema(spec: DomainParameter): z.ZodType<number> {
  const allowed = allowedValues(spec);
  const fail = (problem: string) => (iss: { input?: unknown }) => describeInput(iss.input, allowed, problem);
  const base = z.number({ error: fail('is not a number') });
  let schema = spec.type === 'int' ? base.int({ error: fail('is not a whole number') }) : base;
  schema = schema.min(spec.min, { error: fail('is too small') }).max(spec.max, { error: fail('is too large') });
  if (spec.constraint === 'prime') return schema.refine(isPrime, { error: fail('is not a prime') });
  return schema;
}

/** The whole params object of one family: every declared parameter required, nothing else allowed. */
export function domainParamsSchema(family: Pick<Family, 'domain_parameters'>) {
  const shape: Record<string, z.ZodType<number>> = {};
  for (const [name, spec] of Object.entries(family.domain_parameters)) shape[name] = domainParameterSchema(spec);
  return z.strictObject(shape, {
    error: (iss) =>
      iss.code === 'unrecognized_keys'
        ? `unknown parameter(s) ${iss.keys.join(', ')}; this family takes ${Object.keys(shape).join(', ')}`
        : 'must be an object of domain parameters',
  });
}
