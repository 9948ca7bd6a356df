import type { NextApiRequest, NextApiResponse } from 'next';

// Liveness of the web server itself: it does not depend on api being up.
const startedAt = Date.now();

export default function health(_req: NextApiRequest, res: NextApiResponse) {
  res.setHeader('cache-control', 'no-store');
  res.status(200).json({
    status: 'ok',
    version: process.env.APP_VERSION ?? process.env.npm_package_version ?? '0.0.0',
    uptime: Math.round((Date.now() - startedAt) / 1000),
  });
}
