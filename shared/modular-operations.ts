/**
 * The binary operations mod p a family can declare as its task (family.json `task.operation`,
 * docs/ARCHITECTURE.md §4.10): the label of the pair (a, b), for 0 ≤ a, b < p, always in 0…p−1.
 */
export const MODULAR_OPERATIONS = {
  add: (a: number, b: number, p: number) => (a + b) % p,
  subtract: (a: number, b: number, p: number) => (a - b + p) % p,
} as const satisfies Record<string, (a: number, b: number, p: number) => number>;

export type ModularOperation = keyof typeof MODULAR_OPERATIONS;

export const OPERATION_NAMES = Object.keys(MODULAR_OPERATIONS) as [ModularOperation, ...ModularOperation[]];
