// Inventory loading and host patterns.
export type { Inventory } from './inventory.js';
export { LoadedInventory } from './inventory.js';
export { loadInventory, type LoadOptions } from './load.js';
export { splitPatterns } from './patterns.js';
