/** Finds elements through nested shadow roots, as a user sees the page. */
export function deepQuery<T extends Element>(root: Element | ShadowRoot, selector: string): T[] {
  const found: T[] = [...root.querySelectorAll<T>(selector)];
  for (const el of root.querySelectorAll('*')) if (el.shadowRoot) found.push(...deepQuery<T>(el.shadowRoot, selector));
  return found;
}

export const deepOne = <T extends Element>(host: Element, selector: string): T => deepQuery<T>(host.shadowRoot!, selector)[0]!;

/** waitUntil options that tolerate a busy machine. */
export const SLOW = { timeout: 15000 };
