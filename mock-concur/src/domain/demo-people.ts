import { DEFAULT_DEMO_PEOPLE, DEFAULT_DEMO_SEED } from './default-demo-people.js';

/** A demo traveller as faker made them: a user with a pending connection request for the demo app. */
export interface DemoTraveller {
  readonly id: string;
  readonly loginId: string;
  readonly firstName: string;
  readonly middleName: string | null;
  readonly lastName: string;
  readonly loyaltyNumber: string;
  readonly emails: readonly string[];
  /** The id of the traveller's pending connection request. */
  readonly requestId: string;
}

/** Everything in the demo data that faker makes, in the order it makes it, from one seed. */
export interface DemoPeople {
  readonly adminId: string;
  readonly travelerId: string;
  readonly travellers: readonly DemoTraveller[];
}

type FakerDemoPeople = typeof import('./faker-demo-people.js');

let faker: FakerDemoPeople | undefined;

/**
 * Loads faker if `demoPeople(seed, travellers)` will need it. faker and its English locale
 * are a fifth of the bin's program and a tenth of its start (23-28 ms), for twelve people
 * who are the same on every start with the default seed: those come from a table made by
 * faker itself (default-demo-people.ts), and faker is loaded only for another seed or more
 * travellers. Call it before building a state with those options.
 */
export async function prepareDemoPeople(seed: number, travellers: number): Promise<void> {
  if (fromTable(seed, travellers)) return;
  faker ??= await import('./faker-demo-people.js');
}

/** The demo data's people for `seed` (prepareDemoPeople must have run for these options). */
export function demoPeople(seed: number, travellers: number): DemoPeople {
  if (fromTable(seed, travellers)) return { ...DEFAULT_DEMO_PEOPLE, travellers: DEFAULT_DEMO_PEOPLE.travellers.slice(0, travellers) };
  if (!faker) throw new Error(`demo data for seed ${seed} with ${travellers} travellers needs faker: await prepareDemoPeople(${seed}, ${travellers}) first`);
  return faker.fakerDemoPeople(seed, travellers);
}

/** faker makes the people one after the other, so fewer travellers are the table's first ones. */
function fromTable(seed: number, travellers: number): boolean {
  return seed === DEFAULT_DEMO_SEED && travellers <= DEFAULT_DEMO_PEOPLE.travellers.length;
}
