/**
 * Keeps a page's URL query in step with its state (docs/ARCHITECTURE.md §7.2, §11.4): the query is
 * written with history.replaceState, `delayMs` after the state stops changing (each call is a
 * same-document navigation that costs the browser milliseconds, and Chromium throttles a page that
 * makes more than 200 in 10 s), and remembered in sessionStorage so a bare link to the page (the
 * nav bar's) reopens the tab's last view. Reads window.location, never the router's location,
 * which is unreliable after a reload.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface QuerySyncOptions {
  /** The query string for the current state ("?…", or "" for none). */
  format: () => string;
  /** sessionStorage key of the last query shown in this tab. */
  storageKey: string;
  delayMs?: number;
}

export class QuerySync implements ReactiveController {
  private timer = 0;

  constructor(
    host: ReactiveControllerHost,
    private readonly options: QuerySyncOptions,
  ) {
    host.addController(this);
  }

  /** The query to start from: the address bar's, else the one last shown in this tab. */
  initialQuery(): string {
    return window.location.search || this.remembered();
  }

  /** Writes the state's query, `delayMs` after the last call unless `now`. */
  write({ now = false } = {}): void {
    clearTimeout(this.timer);
    if (!now && (this.options.delayMs ?? 0) > 0) {
      this.timer = window.setTimeout(() => this.write({ now: true }), this.options.delayMs);
      return;
    }
    const query = this.options.format();
    const { pathname, search, hash } = window.location;
    if (query !== search) history.replaceState(history.state, '', `${pathname}${query}${hash}`);
    this.remember(query);
  }

  hostDisconnected(): void {
    // The address bar already shows where the researcher went; the tab still remembers this view.
    clearTimeout(this.timer);
    this.remember(this.options.format());
  }

  private remembered(): string {
    try {
      return sessionStorage.getItem(this.options.storageKey) ?? '';
    } catch {
      return ''; // storage can be blocked when the page is embedded elsewhere
    }
  }

  private remember(query: string): void {
    try {
      sessionStorage.setItem(this.options.storageKey, query);
    } catch {
      // not remembering the view is harmless
    }
  }
}
