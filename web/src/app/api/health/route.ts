// Liveness of the web server itself; it does not depend on api being up.
export const dynamic = 'force-dynamic';

const startedAt = Date.now();

export function GET() {
  return Response.json({
    status: 'ok',
    version: process.env.APP_VERSION ?? process.env.npm_package_version ?? '0.0.0',
    uptime: Math.round((Date.now() - startedAt) / 1000),
  });
}
