/** Design tokens and the few shared rules every page uses. */
import { css } from 'lit';

export const theme = css`
  :host {
    --wb-font: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
    --wb-mono: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace;
    --wb-fg: #1f2933;
    --wb-muted: #616e7c;
    --wb-border: #d9e2ec;
    --wb-surface: #ffffff;
    --wb-subtle: #f5f7fa;
    --wb-accent: #2f6fdb;
    --wb-accent-fg: #ffffff;
    --wb-danger: #c62828;
    --wb-ok: #2e7d32;
    --wb-radius: 6px;
    font-family: var(--wb-font);
    color: var(--wb-fg);
  }
`;

export const pageLayout = css`
  :host {
    display: block;
    box-sizing: border-box;
    padding: 20px 24px;
    max-width: 1100px;
  }
  h1 {
    font-size: 1.4rem;
    margin: 0 0 16px;
  }
  h2 {
    font-size: 1rem;
    margin: 20px 0 8px;
    color: var(--wb-muted);
    text-transform: uppercase;
    letter-spacing: 0.04em;
  }
  .error {
    color: var(--wb-danger);
  }
  .muted {
    color: var(--wb-muted);
  }
`;

export const buttonStyles = css`
  button {
    font: inherit;
    padding: 8px 16px;
    border-radius: var(--wb-radius);
    border: 1px solid var(--wb-border);
    background: var(--wb-surface);
    cursor: pointer;
  }
  button.primary {
    background: var(--wb-accent);
    border-color: var(--wb-accent);
    color: var(--wb-accent-fg);
    font-weight: 600;
  }
  button.wide {
    width: 100%;
  }
  button:disabled {
    opacity: 0.5;
    cursor: not-allowed;
  }
`;

/**
 * A labelled <select>, as the family and variant pickers use it. It takes its container's width,
 * never its longest option's, so a long variant label cannot widen a sidebar.
 */
export const labelledSelect = css`
  :host {
    display: block;
    min-width: 0;
  }
  label {
    display: grid;
    gap: 4px;
    font-size: 0.9rem;
  }
  select {
    font: inherit;
    width: 100%;
    min-width: 0;
    text-overflow: ellipsis;
    padding: 6px 8px;
    border: 1px solid var(--wb-border);
    border-radius: var(--wb-radius);
    background: var(--wb-surface);
  }
`;

/** The "configure → run → watch status" pages: settings on the left, status on the right. */
export const jobPageLayout = css`
  .columns {
    display: grid;
    grid-template-columns: minmax(280px, 5fr) 7fr;
    gap: 24px;
    align-items: start;
  }
  @media (max-width: 800px) {
    .columns {
      grid-template-columns: 1fr;
    }
  }
  .summary dl {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 4px 14px;
  }
  .summary dt {
    color: var(--wb-muted);
  }
  .summary dd {
    margin: 0;
    font-family: var(--wb-mono);
    overflow-wrap: anywhere;
  }
`;

/** The plain list tables of the Jobs page (runs, variants): full width, quiet headers, a rule under each row. */
export const listTable = css`
  :host {
    display: block;
    overflow-x: auto;
  }
  table {
    width: 100%;
    border-collapse: collapse;
    font-size: 0.88rem;
  }
  th {
    text-align: left;
    font-size: 0.75rem;
    color: var(--wb-muted);
    font-weight: 600;
    border-bottom: 1px solid var(--wb-border);
    padding: 6px 8px;
  }
  td {
    border-bottom: 1px solid var(--wb-border);
    padding: 6px 8px;
  }
`;
