import { LitElement, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import { pageLayout, theme } from '../styles/theme.ts';
import { PageTitle } from './page-title.ts';

/** Placeholder for the reports section: says what will come. */
@customElement('reports-page')
export class ReportsPage extends LitElement {
  static override styles = [theme, pageLayout];

  protected readonly tabTitle = new PageTitle(this, () => 'Reports');

  override render() {
    return html`<h1>Reports</h1>
      <p>Reports are not built yet. This section will hold:</p>
      <ul>
        <li>cross-variant comparisons: loss curves, grokking epochs and key frequencies of several variants side by side;</li>
        <li>summary tables across variants, with values at a chosen epoch;</li>
        <li>saved views and exported figure sets, shareable as a standalone HTML report.</li>
      </ul>
      <p class="muted">Until then, use <a href="/viz">Visualization</a> to explore one variant at a time.</p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'reports-page': ReportsPage;
  }
}
