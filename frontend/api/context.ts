import { createContext } from '@lit/context';
import type { ApiClient } from './client.ts';

/** The API client, provided by app-shell to every page below it. */
export const apiClientContext = createContext<ApiClient>(Symbol('api-client'));
