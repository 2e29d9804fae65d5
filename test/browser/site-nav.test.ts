import { expect, fixture, html } from '@open-wc/testing';
import '../../frontend/components/site-nav.ts';
import type { SiteNav } from '../../frontend/components/site-nav.ts';
import { APP_VERSION } from '../../version.ts';

const linksOf = (el: SiteNav) => [...el.shadowRoot!.querySelectorAll('a')];

describe('site-nav', () => {
  it('groups the pages as Jobs / Runs and Analysis / Reports', async () => {
    const el = await fixture<SiteNav>(html`<site-nav path="/viz"></site-nav>`);
    const groups = [...el.shadowRoot!.querySelectorAll('[role=group]')].map((group) => ({
      label: group.getAttribute('aria-label'),
      links: [...group.querySelectorAll('a')].map((a) => [a.textContent, a.getAttribute('href')]),
    }));
    expect(groups).to.deep.equal([
      {
        label: 'Jobs / Runs',
        links: [
          ['Training', '/training'],
          ['Analysis Run', '/analysis-run'],
          ['Jobs', '/jobs'],
        ],
      },
      {
        label: 'Analysis / Reports',
        links: [
          ['Visualization', '/viz'],
          ['Reports', '/reports'],
        ],
      },
    ]);
  });

  it('shows the application version', async () => {
    const el = await fixture<SiteNav>(html`<site-nav></site-nav>`);
    expect(el.shadowRoot!.querySelector('.version')!.textContent).to.equal(`v${APP_VERSION}`);
  });

  it('marks exactly the active page, and follows path changes', async () => {
    const el = await fixture<SiteNav>(html`<site-nav path="/training"></site-nav>`);
    const current = () =>
      linksOf(el)
        .filter((a) => a.getAttribute('aria-current') === 'page')
        .map((a) => a.textContent);
    expect(current()).to.deep.equal(['Training']);
    el.path = '/analysis-run';
    await el.updateComplete;
    expect(current()).to.deep.equal(['Analysis Run']);
    el.path = '/nowhere';
    await el.updateComplete;
    expect(current()).to.deep.equal([]);
  });

  it('prefixes links when embedded under another base', async () => {
    const el = await fixture<SiteNav>(html`<site-nav link-base="http://example.test"></site-nav>`);
    expect(linksOf(el)[0]!.getAttribute('href')).to.equal('http://example.test/training');
  });
});
