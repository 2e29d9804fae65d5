import { LitElement, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import { pageLayout, theme } from '../styles/theme.ts';
import { PageTitle } from './page-title.ts';

@customElement('not-found-page')
export class NotFoundPage extends LitElement {
  static override styles = [theme, pageLayout];

  protected readonly tabTitle = new PageTitle(this, () => 'Page not found');

  override render() {
    return html`<h1>Page not found</h1>
      <p>There is no page at <code>${window.location.pathname}</code>.</p>
      <p><a href="/viz">Go to Visualization</a> · <a href="/training">Training</a> · <a href="/analysis-run">Analysis Run</a></p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'not-found-page': NotFoundPage;
  }
}
