/**
 * Gives an element the shared API client: from app-shell through @lit/context, or, when the
 * element is embedded alone in another page, a client of its own aimed at its `api-base` attribute.
 */
import { consume } from '@lit/context';
import type { LitElement } from 'lit';
import { property } from 'lit/decorators.js';
import { ApiClient } from './client.ts';
import { apiClientContext } from './context.ts';

// A mixin's base constructor must take `any[]` (TypeScript's rule for mixin classes).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type LitConstructor = abstract new (...args: any[]) => LitElement;

export function WithApi<Base extends LitConstructor>(base: Base) {
  abstract class ApiElement extends base {
    /** Server origin used when no app-shell provides a client, e.g. "http://127.0.0.1:8787". */
    @property({ attribute: 'api-base' }) apiBase = '';

    @consume({ context: apiClientContext })
    @property({ attribute: false })
    client?: ApiClient;

    private ownClient?: ApiClient;

    protected get api(): ApiClient {
      if (this.client) return this.client;
      if (this.ownClient?.baseUrl !== this.apiBase) this.ownClient = new ApiClient(this.apiBase);
      return this.ownClient;
    }
  }
  return ApiElement;
}
