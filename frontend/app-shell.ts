import { provide } from '@lit/context';
import { Router, type VaadinRouterLocationChangedEvent } from '@vaadin/router';
import { LitElement, css, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { ApiClient } from './api/client.ts';
import { apiClientContext } from './api/context.ts';
import './components/site-nav.ts';
import { documentTitle, type PageTitleEvent } from './pages/page-title.ts';

/** Client routes. Each page module is imported on first visit, so the shell stays small. */
const routes = [
  { path: '/', redirect: '/viz' },
  {
    path: '/viz',
    component: 'viz-page',
    action: async () => {
      // Plotly, the page's largest download, starts with the page module instead of after it ran.
      void import('plotly.js-dist-min');
      await import('./pages/viz-page.ts');
    },
  },
  { path: '/training', component: 'training-page', action: async () => void (await import('./pages/training-page.ts')) },
  {
    path: '/analysis-run',
    component: 'analysis-run-page',
    action: async () => void (await import('./pages/analysis-run-page.ts')),
  },
  { path: '/jobs', component: 'jobs-page', action: async () => void (await import('./pages/jobs-page.ts')) },
  { path: '/reports', component: 'reports-page', action: async () => void (await import('./pages/reports-page.ts')) },
  { path: '(.*)', component: 'not-found-page', action: async () => void (await import('./pages/not-found-page.ts')) },
];

/** Runs `task` when the browser has nothing else to do (after a second where requestIdleCallback is missing: Safari). */
function whenIdle(task: () => void): void {
  if ('requestIdleCallback' in window) requestIdleCallback(() => task());
  else setTimeout(task, 1000);
}

/**
 * The application shell: site navigation on top, the routed page below. It owns the router
 * (all Vaadin Router use lives here), provides the API client to every page, and writes the tab
 * title each page announces. Once a page is shown, Plotly loads in idle time, so moving on to the
 * Visualization page draws without waiting for it.
 */
@customElement('app-shell')
export class AppShell extends LitElement {
  static override styles = css`
    :host {
      display: flex;
      flex-direction: column;
      min-height: 100vh;
    }
    main {
      flex: 1;
      min-height: 0;
    }
  `;

  /** Server origin for the API; '' means the origin the shell was served from. */
  @property({ attribute: 'api-base' }) apiBase = '';

  @provide({ context: apiClientContext })
  @state()
  protected client = new ApiClient();

  @state() private path = window.location.pathname;

  @query('main') private outlet!: HTMLElement;

  private router?: Router;
  private plotlyRequested = false;

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('vaadin-router-location-changed', this.onLocationChanged);
    this.addEventListener('page-title', this.onPageTitle);
  }

  override disconnectedCallback(): void {
    window.removeEventListener('vaadin-router-location-changed', this.onLocationChanged);
    this.removeEventListener('page-title', this.onPageTitle);
    this.router?.unsubscribe();
    super.disconnectedCallback();
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('apiBase')) this.client = new ApiClient(this.apiBase);
  }

  override async firstUpdated(): Promise<void> {
    this.router = new Router(this.outlet);
    await this.router.setRoutes(routes);
  }

  override render() {
    return html`<site-nav .path=${this.path}></site-nav>
      <main></main>`;
  }

  private onLocationChanged = (event: VaadinRouterLocationChangedEvent) => {
    this.path = event.detail.location.pathname;
    if (this.plotlyRequested) return;
    this.plotlyRequested = true;
    whenIdle(() => void import('plotly.js-dist-min'));
  };

  private onPageTitle = (event: PageTitleEvent) => {
    document.title = documentTitle(event.detail.title);
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'app-shell': AppShell;
  }
}
