/**
 * The family.json contract (docs/ARCHITECTURE.md §4.10), validated by zod on the server at load time and
 * reused by the browser to render domain-parameter inputs. No Node or DOM imports here.
 */
import { z } from 'zod';

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

export const familySchema = z
  .object({
    name: z.string().regex(IDENTIFIER, 'must be lower-case letters, digits and _'),
    display_name: z.string().min(1),
    description: z.string(),
    architecture: architectureSchema,
    domain_parameters: z.record(z.string().regex(IDENTIFIER), domainParameterSchema),
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
  });
export type Family = z.infer<typeof familySchema>;

/** Domain parameter values of one variant, in the family's declaration order. */
export type DomainParams = Record<string, number>;

export function defaultDomainParams(family: Pick<Family, 'domain_parameters'>): DomainParams {
  return Object.fromEntries(
    Object.entries(family.domain_parameters).map(([name, spec]) => [name, spec.default]),
  );
}
