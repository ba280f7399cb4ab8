import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Folder → package name. */
const PACKAGES = { 'mock-concur': 'mock-concur', client: 'concur-partner-client', 'auto-connect': 'concur-auto-connect', contracts: 'concur-contracts', 'partner-app': 'partner-app' } as const;
type Folder = keyof typeof PACKAGES;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** Every module specifier a package's sources import, with the file it is in. */
function importsOf(folder: Folder): { file: string; spec: string }[] {
  return sourceFiles(join(ROOT, folder, 'src')).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => ({ file: relative(ROOT, file), spec: m[1]! })),
  );
}

function declared(folder: Folder): string[] {
  const manifest = JSON.parse(readFileSync(join(ROOT, folder, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
  return ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies'].flatMap((field) => Object.keys(manifest[field] ?? {}));
}

/** What `folder` must never depend on, by package name or by a relative path into it. */
function offences(folder: Folder, forbidden: Folder[]): string[] {
  const names = forbidden.map((f) => PACKAGES[f]);
  const byName = importsOf(folder).filter(({ spec }) => names.some((n) => spec === n || spec.startsWith(`${n}/`)));
  const byPath = importsOf(folder).filter(({ spec }) => spec.startsWith('.') && forbidden.some((f) => new RegExp(`(^|/)\\.\\./${f}/`).test(spec)));
  const inManifest = declared(folder).filter((d) => names.includes(d as (typeof names)[number]));
  return [...byName, ...byPath].map(({ file, spec }) => `${file} → ${spec}`).concat(inManifest.map((d) => `${folder}/package.json depends on ${d}`));
}

describe('package boundaries: the fixtures are the only truth the client and the mock share', () => {
  it('the client and the mock never import each other', () => {
    expect(offences('client', ['mock-concur', 'contracts', 'auto-connect', 'partner-app'])).toEqual([]);
    expect(offences('mock-concur', ['client', 'contracts', 'auto-connect', 'partner-app'])).toEqual([]);
  });

  it('the contracts import neither the mock nor the client, and read nothing from shared/', () => {
    expect(offences('contracts', ['mock-concur', 'client', 'auto-connect', 'partner-app'])).toEqual([]);
    const readsShared = sourceFiles(join(ROOT, 'contracts', 'src')).filter((file) => /['"`][^'"`]*\.\.\/shared\b/.test(readFileSync(file, 'utf8')));
    expect(readsShared).toEqual([]);
  });

  it('the worker and the partner app use the client through its name only, and never the mock', () => {
    expect(offences('auto-connect', ['mock-concur', 'contracts', 'partner-app'])).toEqual([]);
    expect(offences('partner-app', ['mock-concur', 'contracts', 'auto-connect'])).toEqual([]);
    for (const folder of ['auto-connect', 'partner-app'] as const) {
      expect(importsOf(folder).filter(({ spec }) => /(^|\/)client\//.test(spec))).toEqual([]);
      expect(declared(folder)).toContain('concur-partner-client');
    }
  });

  it("inside the mock, one direction: domain/ imports nothing from http, routes, pages, persistence or the options", () => {
    const outward = importsOf('mock-concur').filter(({ file, spec }) => file.startsWith('mock-concur/src/domain/') && spec.startsWith('.') && !spec.startsWith('./'));
    expect(outward).toEqual([]);
    const persistenceUsesFastify = importsOf('mock-concur').filter(({ file, spec }) => file.startsWith('mock-concur/src/persistence/') && /^(fastify|@fastify\/)/.test(spec));
    expect(persistenceUsesFastify).toEqual([]);
  });
});
