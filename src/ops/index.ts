/**
 * Operation name → handler. The API layer (src/api) calls these after parsing and validating the request;
 * operations without an entry answer "<Op> is not implemented by Coalesce".
 * (Created empty by the API helper; the store/ops helper owns and fills it.)
 */
import type { HandlerMap } from './types.js';

export const handlers: HandlerMap = {};
