/** The HTTP contract shared by the Hono server and the browser's API client. */
import { z } from 'zod';
import type { DomainParams, Family } from './family-schema.ts';
import type { FieldError } from './validation.ts';

/** Every non-2xx JSON body. `fields` lists which inputs were wrong and why. */
export interface ApiErrorBody {
  error: { status: number; message: string; fields?: FieldError[] };
}

export interface VersionInfo {
  version: string;
}

export interface FamilySummary extends Family {
  defaults: DomainParams;
}

export interface FamiliesResponse {
  families: FamilySummary[];
  /** Family files that were skipped, with the reason. */
  warnings: { file: string; problem: string }[];
}

export const VARIANT_STATES = ['untrained', 'training', 'incomplete', 'trained', 'analyzing', 'analyzed'] as const;
export type VariantState = (typeof VARIANT_STATES)[number];

export interface VariantSummary {
  name: string;
  family: string;
  params: DomainParams;
  state: VariantState;
  /** Epochs with a checkpoint file on disk, ascending. */
  checkpointEpochs: number[];
}

export interface VariantsResponse {
  family: string;
  variants: VariantSummary[];
}

/** Path segments naming a family or a variant: never a path, never hidden. */
export const nameSegment = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must be a plain name of letters, digits, _ . - (no slashes, not hidden)')
  .refine((s) => !s.includes('..'), 'must not contain ..');
