/** Small pure number helpers shared by validation on both sides. */

export function isPrime(n: number): boolean {
  if (!Number.isInteger(n) || n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}

/** Zero-padded epoch label used in every file name: 5 digits, wider when needed. */
export function padEpoch(epoch: number): string {
  return String(epoch).padStart(5, '0');
}
