// Reference schemas: the schema of a database the engine upgraded to R in-process, never interrupted.
// For a linear chain one database upgraded one revision at a time passes through exactly the states
// of "a fresh database upgraded to R" for every R, so one sweep builds them all (31 schemas for the
// price of one upgrade instead of one fresh database per R).
import { freshDatabaseUrl, server } from '../../support/db-hooks';
import { upgrade } from '../../../src/core';
import type { Chain } from '../../../src/core/chain/chain';
import { BOOKKEEPING_TABLES, readSchema, type SchemaSnapshot } from '../../../src/core/schema/snapshot';
import { ReferenceSchemas, withClient } from './consistency';

const sweeps = new Map<string, Promise<Map<string, SchemaSnapshot>>>();

/** One sweep per chain folder for the whole mocha run (the crash and fault suites share it). */
export function referenceSchemas(chain: Chain): ReferenceSchemas {
  return new ReferenceSchemas(async (revision) => {
    let sweep = sweeps.get(chain.dir);
    if (!sweep) {
      sweep = sweepChain(chain);
      sweeps.set(chain.dir, sweep);
    }
    const schemas = await sweep;
    const schema = schemas.get(revision ?? '<base>');
    if (!schema) throw new Error(`no reference schema for ${revision}: not a revision of the linear chain`);
    return schema;
  });
}

async function sweepChain(chain: Chain): Promise<Map<string, SchemaSnapshot>> {
  const order = chain.graph.topologicalOrder();
  for (const rev of order) {
    if (chain.graph.parents(rev).length > 1 || chain.graph.children(rev).length > 1) {
      throw new Error(`the reference sweep needs a linear chain; ${rev} is a merge or branch point`);
    }
  }
  const url = await freshDatabaseUrl('mc_reference');
  const read = () => withClient(url, (c) => readSchema(c, 'public', { exclude: [...BOOKKEEPING_TABLES] }));
  try {
    const schemas = new Map<string, SchemaSnapshot>([['<base>', await read()]]);
    for (const rev of order) {
      const result = await upgrade({ chain, url, target: rev });
      if (result.applied.join() !== rev) throw new Error(`upgrading to ${rev} applied ${result.applied.join(', ') || 'nothing'}`);
      schemas.set(rev, await read());
    }
    return schemas;
  } finally {
    await server().dropDatabase(url);
  }
}
