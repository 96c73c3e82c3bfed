/** The API's shapes by schema name, from the generated `schema.gen.ts` (regenerate with `npm run gen:api`). */
import type { components } from './schema.gen';

export type Schemas = components['schemas'];
