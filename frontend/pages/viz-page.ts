import { LitElement, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { FamilySummary } from '../../shared/api.ts';
import { WithApi } from '../api/with-api.ts';
import '../components/family-select.ts';
import { pageLayout, theme } from '../styles/theme.ts';

@customElement('viz-page')
export class VizPage extends WithApi(LitElement) {
  static override styles = [theme, pageLayout];

  @state() private families: FamilySummary[] = [];
  @state() private family = '';
  @state() private error = '';

  override connectedCallback(): void {
    super.connectedCallback();
    this.api.families().then(
      (response) => {
        this.families = response.families;
        this.family = response.families[0]?.name ?? '';
      },
      (error: Error) => (this.error = error.message),
    );
  }

  override render() {
    return html`<h1>Training Dynamics Analysis</h1>
      <family-select .families=${this.families} .value=${this.family}></family-select>
      ${this.error ? html`<p class="error">${this.error}</p>` : ''}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'viz-page': VizPage;
  }
}
