import * as contract from './contract.entities';
import * as organisation from './organisation.entities';
import * as sirene from './sirene.entities';
import * as territory from './territory.entities';

export * from './contract.entities';
export * from './organisation.entities';
export * from './sirene.entities';
export * from './territory.entities';

/** Every table of the catalog. */
export const CATALOG_ENTITIES = [
  ...Object.values(contract),
  ...Object.values(organisation),
  ...Object.values(sirene),
  ...Object.values(territory),
];
