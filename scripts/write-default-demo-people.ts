// node --import tsx scripts/write-default-demo-people.ts: rewrites
// mock-concur/src/domain/default-demo-people.ts from faker, for the default seed. Run it when
// faker's output changes (test/unit/domain/demo-people.test.ts says so).
import { writeFileSync } from 'node:fs';
import { fakerDemoPeople } from '../mock-concur/src/domain/faker-demo-people.js';
import { defaultOptions } from '../mock-concur/src/options.js';

// The table is what a start with the default options would have faker make.
const SEED = defaultOptions.seed;
const people = fakerDemoPeople(SEED, defaultOptions.demoTravelers);
const file = new URL('../mock-concur/src/domain/default-demo-people.ts', import.meta.url);
writeFileSync(
  file,
  `import type { DemoPeople } from './demo-people.js';

// Written by scripts/write-default-demo-people.ts from faker; test/unit/domain/demo-people.test.ts
// checks that faker still makes exactly these.

/** The seed the mock starts with unless told otherwise (options.ts's default). */
export const DEFAULT_DEMO_SEED = ${SEED};

/** What faker makes for the default seed: the default start's people, without loading faker. */
export const DEFAULT_DEMO_PEOPLE: DemoPeople = {
  adminId: ${literal(people.adminId)},
  travelerId: ${literal(people.travelerId)},
  travellers: [
${people.travellers.map((t) => `    ${literal(t)},`).join('\n')}
  ],
};
`,
);
/** `value` as this repository writes TypeScript: single quotes, bare keys, spaces inside braces. */
function literal(value: unknown): string {
  if (typeof value === 'string') return `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (value !== null && typeof value === 'object') return `{ ${Object.entries(value).map(([k, v]) => `${k}: ${literal(v)}`).join(', ')} }`;
  return JSON.stringify(value);
}

console.log(`wrote ${people.travellers.length} travellers to ${file.pathname}`);
