import type { FastifyServerOptions } from 'fastify';

type AjvOnCreate = NonNullable<NonNullable<FastifyServerOptions['ajv']>['onCreate']>;
type Ajv = Parameters<AjvOnCreate>[0];
type ValidateFunction = ReturnType<Ajv['compile']>;

/**
 * Fastify's `ajv.onCreate`: the control API's body schemas are compiled when a request first
 * needs one, not while the app starts. Compiling them all (and, for the first, Ajv's own
 * meta-schema) took most of the time between registering the routes and listening; a start
 * that only ever asks /_mock/health paid for all of it.
 *
 * The validator Fastify holds stands in for the one Ajv would have returned: the same checks,
 * the same `errors`, the same `schemaEnv` (which makes Fastify pass the parent data, as it
 * does to Ajv's own). Every schema is the mock's own and is exercised by the tests, so a
 * broken one still fails there, on its first request rather than at start.
 */
export const compileOnFirstUse: AjvOnCreate = (ajv) => {
  const compileNow = ajv.compile.bind(ajv);
  ajv.compile = ((...compileArgs: Parameters<Ajv['compile']>) => {
    let compiled: ValidateFunction | undefined;
    const real = () => (compiled ??= compileNow(...compileArgs));
    const validate = (...args: Parameters<ValidateFunction>) => real()(...args);
    Object.defineProperties(validate, {
      errors: { get: () => real().errors, set: (errors: ValidateFunction['errors']) => void (real().errors = errors) },
      schema: { value: compileArgs[0] },
      schemaEnv: { get: () => real().schemaEnv },
    });
    return validate as ValidateFunction;
  }) as Ajv['compile'];
};
