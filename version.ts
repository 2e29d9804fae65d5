/** The one application version: shown in site-nav, returned by GET /api/version, printed by the CLI. */
export const APP_VERSION = '0.1.0';
