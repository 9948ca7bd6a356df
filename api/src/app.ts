import Fastify, { FastifyInstance, FastifyServerOptions } from 'fastify';
import { inMemoryTestRunStore, TEST_RUN_ID_PATTERN, TestRunStore } from './test-runs';

export interface AppOptions {
  /** Version reported by `/health`. */
  readonly version: string;
  /** Where test runs come from. @default an in-memory store with sample runs */
  readonly store?: TestRunStore;
  /** Artificial latency of `/api/test-runs` responses in ms. @default 0 */
  readonly responseDelayMs?: number;
  /** Fastify's logger option. @default false */
  readonly logger?: FastifyServerOptions['logger'];
}

const STATUSES = ['passed', 'failed', 'running', 'queued'] as const;

/** The methods the api answers (`Allow` of `OPTIONS *`). */
const ALLOW = 'GET, HEAD, OPTIONS';

/** JSON body of every error response: one shape, whatever went wrong. */
interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
}

function errorBody(statusCode: number, error: string, message: string): ErrorBody {
  return { statusCode, error, message };
}

export function buildApp(options: AppOptions): FastifyInstance {
  const store = options.store ?? inMemoryTestRunStore();
  const delay = options.responseDelayMs ?? 0;
  // The server (lib/server.ts) drains connections itself before it closes the app: see connections.ts.
  const app = Fastify({ logger: options.logger ?? false });
  const startedAt = Date.now();

  app.setErrorHandler((err: { statusCode?: number; validation?: unknown; message: string }, request, reply) => {
    if (err.validation) {
      return reply.code(400).send(errorBody(400, 'Bad Request', err.message));
    }
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) request.log.error(err);
    return reply.code(status).send(errorBody(status, status >= 500 ? 'Internal Server Error' : 'Error', status >= 500 ? 'Internal server error' : err.message));
  });

  app.setNotFoundHandler((request, reply) => {
    // The asterisk-form target (`OPTIONS * HTTP/1.1`) asks about the server, not a resource (RFC 9110 9.3.7).
    if (request.url === '*') {
      if (request.method === 'OPTIONS') return reply.code(204).header('allow', ALLOW).send();
      return reply.code(400).send(errorBody(400, 'Bad Request', `The request target * is for OPTIONS only, not ${request.method}`));
    }
    return reply.code(404).send(errorBody(404, 'Not Found', `Route ${request.method} ${request.url} not found`));
  });

  if (delay > 0) {
    app.addHook('onRequest', async (request) => {
      if (request.url.startsWith('/api/')) await new Promise((resolve) => setTimeout(resolve, delay));
    });
  }

  app.get('/health', async () => ({
    status: 'ok',
    version: options.version,
    uptime: Math.round((Date.now() - startedAt) / 1000),
  }));

  app.get<{ Querystring: { status?: (typeof STATUSES)[number] } }>('/api/test-runs', {
    schema: {
      querystring: {
        type: 'object',
        properties: { status: { type: 'string', enum: [...STATUSES] } },
        additionalProperties: false,
      },
    },
  }, async (request) => {
    const runs = store.list(request.query.status);
    return { count: runs.length, items: runs };
  });

  app.get<{ Params: { id: string } }>('/api/test-runs/:id', {
    schema: {
      params: {
        type: 'object',
        properties: { id: { type: 'string', pattern: TEST_RUN_ID_PATTERN } },
        required: ['id'],
      },
    },
  }, async (request, reply) => {
    const run = store.get(request.params.id);
    if (!run) {
      return reply.code(404).send(errorBody(404, 'Not Found', `Test run ${request.params.id} does not exist`));
    }
    return run;
  });

  return app;
}
