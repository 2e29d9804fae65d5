/**
 * Browser tab titles. Each page names itself through a `PageTitle` controller ("Training",
 * "Visualization — <variant>"); app-shell turns that into "Training · Training Dynamics Workbench".
 * A page embedded alone in another site has no shell to listen, so it leaves that site's title alone.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export const APP_NAME = 'Training Dynamics Workbench';

export type PageTitleEvent = CustomEvent<{ title: string }>;

/** "Training · Training Dynamics Workbench" */
export function documentTitle(pageTitle: string): string {
  return `${pageTitle} · ${APP_NAME}`;
}

/**
 * Fires `page-title` (bubbles, composed) from its page when the page is shown and whenever its
 * title changes. A page holds it in a protected field: only its effect is used.
 */
export class PageTitle implements ReactiveController {
  private announced = '';

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    /** The page's part of the tab title, from its current state. */
    private readonly title: () => string,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.announced = '';
    this.announce();
  }

  hostUpdated(): void {
    this.announce();
  }

  private announce(): void {
    const title = this.title();
    if (title === this.announced) return;
    this.announced = title;
    this.host.dispatchEvent(new CustomEvent('page-title', { detail: { title }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementEventMap {
    'page-title': PageTitleEvent;
  }
}
