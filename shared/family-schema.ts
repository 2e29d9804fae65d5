/**
 * The family.json contract (docs/ARCHITECTURE.md §4.10), validated by zod on the server at load time and
 * reused by the browser to render domain-parameter inputs. No Node or DOM imports here.
 */
import { z } from 'zod';
import { OPERATION_NAMES } from './modular-operations.ts';

export const IDENTIFIER = /^[a-z][a-z0-9_]*$/;

export const domainParameterSchema = z
  .object({
    type: z.enum(['int', 'float']),
    label: z.string().min(1).optional(),
    description: z.string(),
    default: z.number(),
    min: z.number(),
    max: z.number(),
    /** An extra rule beyond the range; `prime` means the value must be a prime number. */
    constraint: z.enum(['prime']).optional(),
  })
  .refine((p) => p.min <= p.max, { message: 'min must not exceed max' })
  .refine((p) => p.default >= p.min && p.default <= p.max, {
    message: 'default must lie within [min, max]',
  });
export type DomainParameter = z.infer<typeof domainParameterSchema>;

export const architectureSchema = z.object({
  n_layers: z.literal(1),
  n_heads: z.number().int().positive(),
  d_model: z.number().int().positive(),
  d_head: z.number().int().positive(),
  d_mlp: z.number().int().positive(),
  act_fn: z.literal('relu'),
  normalization_type: z.null(),
  n_ctx: z.literal(3),
});
export type Architecture = z.infer<typeof architectureSchema>;

/** What the model learns: `operation` mod the `modulus_parameter`, from weights seeded by the `seed_parameter`. */
export const taskSchema = z.object({
  operation: z.enum(OPERATION_NAMES),
  /** The domain parameter that is p: the vocabulary, the grid and the labels' range. */
  modulus_parameter: z.string().regex(IDENTIFIER),
  /** The domain parameter that seeds the weights' initialization. */
  seed_parameter: z.string().regex(IDENTIFIER),
});
export type Task = z.infer<typeof taskSchema>;

/** The task of a family.json without `task`: what the first family, written before the field, means. */
export const DEFAULT_TASK: Task = { operation: 'add', modulus_parameter: 'prime', seed_parameter: 'seed' };

export const familySchema = z
  .object({
    name: z.string().regex(IDENTIFIER, 'must be lower-case letters, digits and _'),
    display_name: z.string().min(1),
    description: z.string(),
    architecture: architectureSchema,
    domain_parameters: z.record(z.string().regex(IDENTIFIER), domainParameterSchema),
    task: taskSchema.default(DEFAULT_TASK),
    analyzers: z.array(z.string().regex(IDENTIFIER)),
    cross_epoch_analyzers: z.array(z.string().regex(IDENTIFIER)).default([]),
    visualizations: z.array(z.string()),
    analysis_dataset: z.object({ type: z.string(), description: z.string() }).optional(),
    variant_pattern: z.string().min(1),
  })
  .superRefine((family, ctx) => {
    const placeholders = [...family.variant_pattern.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]);
    const declared = Object.keys(family.domain_parameters);
    for (const name of placeholders) {
      if (!declared.includes(name!)) {
        ctx.addIssue({
          code: 'custom',
          path: ['variant_pattern'],
          message: `placeholder {${name}} is not a declared domain parameter`,
        });
      }
    }
    for (const name of declared) {
      if (!placeholders.includes(name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['variant_pattern'],
          message: `domain parameter ${name} does not appear in the pattern`,
        });
      }
    }
    const { modulus_parameter: modulus, seed_parameter: seed } = family.task;
    const modulusSpec = family.domain_parameters[modulus];
    // The Fourier analysis needs an odd modulus (docs/ARCHITECTURE.md §6.3); a prime of at least 3 is one.
    if (modulusSpec?.type !== 'int' || modulusSpec.constraint !== 'prime' || modulusSpec.min < 3) {
      ctx.addIssue({
        code: 'custom',
        path: ['task', 'modulus_parameter'],
        message: `"${modulus}" must be a declared int domain parameter with constraint "prime" and min at least 3`,
      });
    }
    if (family.domain_parameters[seed]?.type !== 'int' || seed === modulus) {
      ctx.addIssue({
        code: 'custom',
        path: ['task', 'seed_parameter'],
        message: `"${seed}" must be a declared int domain parameter other than the modulus`,
      });
    }
  });
export type Family = z.infer<typeof familySchema>;

/** Domain parameter values of one variant, in the family's declaration order. */
export type DomainParams = Record<string, number>;

/** A variant's modulus p and model seed, read through its family's task declaration. */
export function taskParams(family: Pick<Family, 'task'>, params: DomainParams): { modulus: number; seed: number } {
  const modulus = params[family.task.modulus_parameter];
  const seed = params[family.task.seed_parameter];
  if (modulus === undefined || seed === undefined)
    throw new Error(`domain parameters ${JSON.stringify(params)} lack the task's modulus or seed`);
  return { modulus, seed };
}

export function defaultDomainParams(family: Pick<Family, 'domain_parameters'>): DomainParams {
  return Object.fromEntries(Object.entries(family.domain_parameters).map(([name, spec]) => [name, spec.default]));
}
