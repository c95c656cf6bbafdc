/** The engine's public entry points. */
export { resolve, DEFAULTS, candidatePairsOf as candidatePairs } from './resolve.js';
export { explainGroup, scoreProfile } from './explain.js';
export { candidatesOf, decodeKeyIndex, encodeKeyIndex, encodeKeyIndexParts, groupsByPosition, type Candidate, type KeyIndex, type KeyIndexProfiles } from './key-index.js';
export { matchIdOf } from './cluster.js';
export { blockingKeys } from './keys.js';
export type * from './types.js';
export type { Model } from './model.js';
