import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { CONTRACTS_DIR } from '../fixtures/load-fixtures.js';

/**
 * Concur's published Swagger 2.0 definitions of Connection Requests, turned into JSON
 * Schemas for response bodies. Two documented corrections are applied, and one reading
 * is stricter than the files:
 * - `Items` is declared as one ConnectionRequest, but every Concur document and example
 *   shows an array; the examples are right (shared/concur-api.md, "Note").
 * - Swagger 2.0 cannot say "nullable", yet Concur writes a missing value as JSON null or
 *   `xsi:nil` (middleName, NextPage on the last page): string fields also accept null.
 * - Stricter: a body may carry only the fields its definition names, so a v3.0 answer with
 *   v3.2's lower-camel names (or v3.1's EmailAddresses) is caught.
 */
export type SwaggerVersion = '3.0' | '3.1' | '3.2';

interface SwaggerOperation {
  responses: Record<string, { schema?: { $ref: string } }>;
}

interface SwaggerFile {
  paths: Record<string, Record<string, SwaggerOperation>>;
  definitions: Record<string, SwaggerDefinition>;
}

interface SwaggerDefinition {
  type?: string;
  properties?: Record<string, SwaggerDefinition & { $ref?: string }>;
  $ref?: string;
}

const CONNECTION_REQUESTS = /^\/api\/v(3\.[012])(\/common\/connectionrequests)(\/[^/?#]+)?\/?$/i;

export interface SwaggerTarget {
  version: SwaggerVersion;
  /** The Swagger path template, e.g. `/common/connectionrequests/{id}`. */
  path: string;
  method: string;
  definition: string;
}

/** Which documented operation and response definition a request and status fall under, if any. */
export function swaggerTarget(method: string, path: string, status: number): SwaggerTarget | undefined {
  const m = CONNECTION_REQUESTS.exec(path.split('?')[0]!);
  if (!m) return undefined;
  const version = m[1] as SwaggerVersion;
  const template = `/common/connectionrequests${m[3] ? '/{id}' : ''}`;
  const operation = swaggerFile(version).paths[template]?.[method.toLowerCase()];
  const ref = operation?.responses[String(status)]?.schema?.$ref;
  if (!ref) return undefined;
  const definition = ref.replace('#/definitions/', '');
  // Void: the documented answer has no body, which the fixture's `empty` already checks.
  if (definition === 'Void') return undefined;
  return { version, path: template, method: method.toUpperCase(), definition };
}

const files = new Map<SwaggerVersion, SwaggerFile>();
const validators = new Map<string, ValidateFunction>();
const ajv = new Ajv({ allErrors: true, strict: false });

export function swaggerFile(version: SwaggerVersion): SwaggerFile {
  let file = files.get(version);
  if (!file) {
    file = JSON.parse(readFileSync(join(CONTRACTS_DIR, 'reference', 'concur-swagger', `ConnectionRequests-v${version}.swagger.json`), 'utf8')) as SwaggerFile;
    files.set(version, file);
  }
  return file;
}

/** The corrected JSON Schema of one definition, with the others it references. */
export function definitionSchema(version: SwaggerVersion, definition: string): Record<string, unknown> {
  const { definitions } = swaggerFile(version);
  const corrected: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(definitions)) corrected[name] = correct(name, def);
  return { $ref: `#/definitions/${definition}`, definitions: corrected };
}

function correct(name: string, def: SwaggerDefinition): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(def.properties ?? {})) {
    if (name === 'ConnectionRequestCollection' && key === 'Items' && prop.$ref) properties[key] = { type: 'array', items: { $ref: prop.$ref } };
    else if (prop.$ref) properties[key] = { anyOf: [{ $ref: prop.$ref }, { type: 'null' }] };
    else if (prop.type === 'string') properties[key] = { type: ['string', 'null'] };
    else properties[key] = { type: prop.type };
  }
  return { type: 'object', properties, additionalProperties: false };
}

export interface SwaggerViolation {
  /** JSON path into the body as the Swagger shapes it, e.g. `$.Items[0]`. */
  path: string;
  message: string;
}

/**
 * Checks a JSON body, or an XML body reshaped as the Swagger sees it (root element
 * dropped, attributes ignored, `Items/ConnectionRequest` as the `Items` array).
 */
export function checkAgainstSwagger(target: SwaggerTarget, body: { notation: 'json' | 'xml'; value: unknown }): SwaggerViolation[] {
  const key = `${target.version} ${target.definition}`;
  let validate = validators.get(key);
  if (!validate) validators.set(key, (validate = ajv.compile(definitionSchema(target.version, target.definition))));
  const value = body.notation === 'xml' ? xmlAsSwaggerShape(body.value) : body.value;
  if (validate(value)) return [];
  return (validate.errors ?? []).filter((e) => e.keyword !== 'anyOf').map((e) => violation(e, target));
}

function violation(e: ErrorObject, target: SwaggerTarget): SwaggerViolation {
  const segments = e.instancePath.split('/').slice(1);
  const path = '$' + segments.map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join('');
  if (e.keyword === 'additionalProperties') {
    const where = `v${target.version} ${definitionAt(target, segments)}`;
    return { path, message: `'${(e.params as { additionalProperty: string }).additionalProperty}' is not a field of the ${where} definition` };
  }
  return { path, message: `${e.message ?? e.keyword} (v${target.version} ${definitionAt(target, segments.slice(0, -1))})` };
}

/** The definition describing the object at an instance path (an item of Items is a ConnectionRequestGet). */
function definitionAt(target: SwaggerTarget, segments: readonly string[]): string {
  const { definitions } = swaggerFile(target.version);
  let current = target.definition;
  for (const segment of segments) {
    if (/^\d+$/.test(segment)) continue;
    const ref = definitions[current]?.properties?.[segment]?.$ref;
    if (!ref) break;
    current = ref.replace('#/definitions/', '');
  }
  return current;
}

function xmlAsSwaggerShape(document: unknown): unknown {
  const root = Object.values(document as Record<string, unknown>)[0];
  return reshape(root);
}

function reshape(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(reshape);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith('@')) continue;
    if (k === 'Items') {
      const items = v === '' || v === undefined ? [] : (v as Record<string, unknown>)['ConnectionRequest'];
      out[k] = (items === undefined ? [] : Array.isArray(items) ? items : [items]).map(reshape);
    } else out[k] = reshape(v);
  }
  return out;
}
