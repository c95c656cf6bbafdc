/**
 * Nicknames for the generator's noise, from the table the engine also uses (vendor/nicknames/nicknames.csv,
 * pseudopeople, BSD-3): formal name → its nicknames. Read once, relative to this module (works from src/ and dist/).
 */
import { readFileSync } from 'node:fs';

let table: Map<string, string[]> | undefined;

function load(): Map<string, string[]> {
  const text = readFileSync(new URL('../../../vendor/nicknames/nicknames.csv', import.meta.url), 'utf8');
  const map = new Map<string, string[]>();
  const lines = text.split(/\r?\n/);
  for (let i = 1; i < lines.length; i++) {
    const [name, ...nicks] = lines[i].split(',').map((s) => s.trim().toLowerCase());
    const list = nicks.filter((s) => s !== '' && s !== name);
    if (name && list.length) map.set(name, list);
  }
  return map;
}

/** Nicknames of a formal first name (lower case), empty when it has none. */
export function nicknamesOf(first: string): readonly string[] {
  table ??= load();
  return table.get(first.toLowerCase()) ?? [];
}
