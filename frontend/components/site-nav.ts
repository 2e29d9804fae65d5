import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { APP_VERSION } from '../../version.ts';
import { APP_NAME } from '../pages/page-title.ts';
import { theme } from '../styles/theme.ts';

export interface NavLink {
  path: string;
  label: string;
}

export interface NavGroup {
  label: string;
  links: NavLink[];
}

/** The site's sections, in the order the researcher works: run jobs, then look at results. */
export const NAV_GROUPS: NavGroup[] = [
  {
    label: 'Jobs / Runs',
    links: [
      { path: '/training', label: 'Training' },
      { path: '/analysis-run', label: 'Analysis Run' },
      { path: '/jobs', label: 'Jobs' },
    ],
  },
  {
    label: 'Analysis / Reports',
    links: [
      { path: '/viz', label: 'Visualization' },
      { path: '/reports', label: 'Reports' },
    ],
  },
];

/**
 * Site navigation: the app's name and version, and the page links grouped by section.
 * Plain `<a href>` links, so the router (when present) intercepts them and a standalone
 * page still navigates normally.
 */
@customElement('site-nav')
export class SiteNav extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: block;
        background: #1f2933;
        color: #f5f7fa;
      }
      nav {
        display: flex;
        align-items: center;
        gap: 28px;
        padding: 0 20px;
        min-height: 52px;
        flex-wrap: wrap;
      }
      .brand {
        font-weight: 600;
        white-space: nowrap;
      }
      .version {
        font-weight: 400;
        font-size: 0.8rem;
        color: #9aa5b1;
        margin-left: 6px;
      }
      .group {
        display: flex;
        align-items: center;
        gap: 4px;
      }
      .group-label {
        font-size: 0.7rem;
        text-transform: uppercase;
        letter-spacing: 0.06em;
        color: #9aa5b1;
        margin-right: 6px;
      }
      a {
        color: #e4e7eb;
        text-decoration: none;
        padding: 6px 10px;
        border-radius: var(--wb-radius);
      }
      a:hover {
        background: #323f4b;
      }
      a[aria-current='page'] {
        background: var(--wb-accent);
        color: var(--wb-accent-fg);
      }
    `,
  ];

  /** The current path, set by the shell on every navigation; standalone it is the page's own path. */
  @property() path = window.location.pathname;

  /** Prefix for the links when the nav is embedded under another origin or folder. */
  @property({ attribute: 'link-base' }) linkBase = '';

  override render() {
    return html`
      <nav aria-label="Site">
        <span class="brand">${APP_NAME}<span class="version">v${APP_VERSION}</span></span>
        ${NAV_GROUPS.map(
          (group) => html`
            <div class="group" role="group" aria-label=${group.label}>
              <span class="group-label">${group.label}</span>
              ${group.links.map(
                (link) =>
                  html`<a href=${this.linkBase + link.path} aria-current=${this.isActive(link) ? 'page' : 'false'}>${link.label}</a>`,
              )}
            </div>
          `,
        )}
      </nav>
    `;
  }

  private isActive(link: NavLink): boolean {
    return this.path === link.path || this.path.startsWith(`${link.path}/`);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'site-nav': SiteNav;
  }
}
