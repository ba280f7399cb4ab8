/**
 * How a test starts a package's program from its TypeScript source: tsx for the syntax, and
 * the "@mock-concur/source" export condition so packages resolve each other to their sources
 * (as vitest and `npm run typecheck` do), with no build first.
 */
export const SOURCE_NODE_ARGS: readonly string[] = ['--conditions=@mock-concur/source', '--import', 'tsx'];
