/**
 * Loads every `<familiesDir>/<name>/family.json`. A broken family (bad JSON, a schema violation,
 * a folder name that differs from its `name`) is skipped with a warning naming the file and the
 * problem; the others still load.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { familySchema, type Family } from '../../shared/family-schema.ts';
import { fieldErrors, summarizeFieldErrors } from '../../shared/validation.ts';

export interface FamilyWarning {
  file: string;
  problem: string;
}

export interface LoadedFamilies {
  /** Keyed by family name, sorted by name. */
  families: Map<string, Family>;
  warnings: FamilyWarning[];
}

export async function loadFamilies(familiesDir: string): Promise<LoadedFamilies> {
  const families = new Map<string, Family>();
  const warnings: FamilyWarning[] = [];
  let entries: string[];
  try {
    entries = (await readdir(familiesDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch (error) {
    warnings.push({ file: familiesDir, problem: `cannot read the families folder: ${(error as Error).message}` });
    return { families, warnings };
  }
  for (const folder of entries.sort()) {
    const file = join(familiesDir, folder, 'family.json');
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue; // a folder without family.json is not a family
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      warnings.push({ file, problem: `invalid JSON: ${(error as Error).message}` });
      continue;
    }
    const parsed = familySchema.safeParse(json);
    if (!parsed.success) {
      warnings.push({ file, problem: summarizeFieldErrors(fieldErrors(parsed.error)) });
      continue;
    }
    if (parsed.data.name !== folder) {
      warnings.push({ file, problem: `name "${parsed.data.name}" differs from its folder "${folder}"` });
      continue;
    }
    families.set(parsed.data.name, parsed.data);
  }
  for (const warning of warnings) console.warn(`[registry] skipped family ${warning.file}: ${warning.problem}`);
  return { families, warnings };
}
