/**
 * The OpenAPI 3.1 document of the routes a router mounts, built from the zod schemas that
 * validate them (zod's own JSON Schema output, which is the dialect OpenAPI 3.1 uses). Each route
 * is described where it is mounted; `GET /api/openapi.json` serves the result.
 */
import { z } from 'zod';

type Method = 'get' | 'post' | 'put' | 'delete';

/** One route as the document shows it. */
export interface OperationDoc {
  method: Method;
  /** The Express path, `:name` for a path parameter. */
  path: string;
  summary: string;
  /** The section it belongs to (`Integrations`, `Data Manager`, …). */
  tag: string;
  /** Needs `Authorization: Bearer <key>` (default true). */
  authenticated?: boolean;
  /** The query string's fields. */
  query?: z.ZodObject;
  /** Each path parameter's schema (a parameter left out is a plain string). */
  params?: Record<string, z.ZodType>;
  /** A JSON body; `bodyRequired: false` when it may be left out. */
  body?: z.ZodType;
  bodyRequired?: boolean;
  /** A `multipart/form-data` body: its text fields, plus a `file` part when `file` is set. */
  form?: { fields: z.ZodObject; file?: string };
  /** A body taken as raw bytes, whatever its type (signed webhooks). */
  rawBody?: string;
  /** Success answers by status (default `200` with JSON). */
  responses?: Record<string, { description: string; contentType?: string }>;
}

/** JSON Schema of what a caller sends (the input side of transforms and coercions). */
function schemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return json;
}

const errorBody = z.object({
  success: z.literal(false),
  message: z.string(),
  error_code: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

function parameters(operation: OperationDoc): unknown[] {
  const list: unknown[] = [];
  for (const [, name] of operation.path.matchAll(/:(\w+)/g)) {
    const schema = operation.params?.[name as string];
    list.push({ name, in: 'path', required: true, schema: schema ? schemaOf(schema) : { type: 'string' } });
  }
  if (operation.query) {
    const json = schemaOf(operation.query) as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, schema] of Object.entries(json.properties ?? {})) {
      list.push({ name, in: 'query', required: json.required?.includes(name) ?? false, schema });
    }
  }
  return list;
}

function requestBody(operation: OperationDoc): unknown {
  if (operation.body) {
    return {
      required: operation.bodyRequired ?? true,
      content: { 'application/json': { schema: schemaOf(operation.body) } },
    };
  }
  if (operation.form) {
    const json = schemaOf(operation.form.fields) as { properties?: Record<string, unknown>; required?: string[] };
    const file = operation.form.file;
    return {
      required: true,
      content: {
        'multipart/form-data': {
          schema: {
            type: 'object',
            properties: {
              ...json.properties,
              ...(file ? { [file]: { type: 'string', contentMediaType: 'application/octet-stream' } } : {}),
            },
            required: [...(json.required ?? []), ...(file ? [file] : [])],
          },
        },
      },
    };
  }
  if (operation.rawBody) {
    return { required: true, description: operation.rawBody, content: { '*/*': { schema: {} } } };
  }
  return undefined;
}

function responses(operation: OperationDoc): Record<string, unknown> {
  const success = operation.responses ?? { '200': { description: 'OK' } };
  return {
    ...Object.fromEntries(
      Object.entries(success).map(([status, { description, contentType }]) => [
        status,
        { description, content: { [contentType ?? 'application/json']: { schema: {} } } },
      ]),
    ),
    '4XX': { $ref: '#/components/responses/Error' },
    '5XX': { $ref: '#/components/responses/Error' },
  };
}

/** `/api/data-manager/batches/{id}` of `/api/data-manager/batches/:id`. */
export const openApiPath = (path: string): string => path.replace(/:(\w+)/g, '{$1}');

/** The routes described so far, and the document they make. */
export class ApiDescription {
  readonly #operations: OperationDoc[] = [];

  readonly add = (operation: OperationDoc): void => {
    this.#operations.push(operation);
  };

  document(info: { title: string; version: string }): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const operation of this.#operations) {
      const path = openApiPath(operation.path);
      const item = paths[path] ?? {};
      paths[path] = item;
      const body = requestBody(operation);
      const params = parameters(operation);
      item[operation.method] = {
        summary: operation.summary,
        tags: [operation.tag],
        ...(operation.authenticated === false ? { security: [] } : {}),
        ...(params.length > 0 ? { parameters: params } : {}),
        ...(body ? { requestBody: body } : {}),
        responses: responses(operation),
      };
    }
    return {
      openapi: '3.1.0',
      info,
      paths,
      security: [{ apiKey: [] }],
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'The API key the host resolves to a tenant.' },
        },
        schemas: { ErrorBody: schemaOf(errorBody) },
        responses: {
          Error: {
            description: 'The error body: `success: false`, a message for people and an `error_code`.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
          },
        },
      },
    };
  }
}
