import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { Router } from '@vaadin/router';
import '../../frontend/app-shell.ts';
import type { AppShell } from '../../frontend/app-shell.ts';
import { SLOW } from './deep-query.ts';

const startPath = window.location.pathname + window.location.search;

function pageIn(shell: AppShell): HTMLElement | null {
  return shell.shadowRoot!.querySelector('main')!.firstElementChild as HTMLElement | null;
}

async function navigateAndWait(shell: AppShell, path: string, tag: string) {
  Router.go(path);
  await waitUntil(() => pageIn(shell)?.localName === tag, `expected <${tag}> at ${path}`, SLOW);
}

describe('app-shell', () => {
  let shell: AppShell;

  beforeEach(async () => {
    shell = await fixture<AppShell>(html`<app-shell></app-shell>`);
  });

  afterEach(() => {
    shell.remove();
    window.history.replaceState(null, '', startPath);
  });

  it('routes each path to its page, loading page modules on demand', async () => {
    await navigateAndWait(shell, '/training', 'training-page');
    await navigateAndWait(shell, '/analysis-run', 'analysis-run-page');
    await navigateAndWait(shell, '/jobs', 'jobs-page');
    await navigateAndWait(shell, '/reports', 'reports-page');
    await navigateAndWait(shell, '/viz', 'viz-page');
    await navigateAndWait(shell, '/no/such/page', 'not-found-page');
    expect(customElements.get('reports-page')).to.be.a('function');
  });

  it('gives each page its own tab title', async () => {
    const titles: [string, string, string][] = [
      ['/training', 'training-page', 'Training · Training Dynamics Workbench'],
      ['/analysis-run', 'analysis-run-page', 'Analysis Run · Training Dynamics Workbench'],
      ['/jobs', 'jobs-page', 'Jobs · Training Dynamics Workbench'],
      ['/reports', 'reports-page', 'Reports · Training Dynamics Workbench'],
      ['/viz', 'viz-page', 'Visualization · Training Dynamics Workbench'],
      ['/no/such/page', 'not-found-page', 'Page not found · Training Dynamics Workbench'],
    ];
    for (const [path, tag, title] of titles) {
      await navigateAndWait(shell, path, tag);
      await waitUntil(() => document.title === title, `expected the title "${title}" at ${path}, got "${document.title}"`, SLOW);
    }
  });

  it('redirects / to the Visualization page', async () => {
    Router.go('/');
    await waitUntil(() => pageIn(shell)?.localName === 'viz-page', 'viz-page mounted', SLOW);
    expect(window.location.pathname).to.equal('/viz');
  });

  it('tells site-nav which page is active', async () => {
    await navigateAndWait(shell, '/analysis-run', 'analysis-run-page');
    const nav = shell.shadowRoot!.querySelector('site-nav')!;
    await nav.updateComplete;
    const active = nav.shadowRoot!.querySelector('a[aria-current=page]')!;
    expect(active.textContent).to.equal('Analysis Run');
  });

  it('provides the API client, so pages load the family list from the server', async () => {
    await navigateAndWait(shell, '/training', 'training-page');
    const page = pageIn(shell)!;
    await waitUntil(
      () => page.shadowRoot?.querySelector('family-select')?.shadowRoot?.querySelectorAll('option').length === 3,
      'families loaded',
      SLOW,
    );
    const select = page.shadowRoot!.querySelector('family-select')!;
    const labels = [...select.shadowRoot!.querySelectorAll('option')].map((o) => o.textContent!.trim());
    expect(labels).to.deep.equal(['Select family...', 'Modulo Addition (1 Layer)', 'Modulo Subtraction (1 Layer)']);
  });
});
