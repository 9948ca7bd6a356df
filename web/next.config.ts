import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // A self-contained server (.next/standalone/server.js) with only the files it needs: what the image ships.
  output: 'standalone',
  // This folder is the whole app (and the image's build context), whatever lockfiles sit above it.
  outputFileTracingRoot: __dirname,
  turbopack: { root: __dirname },
  poweredByHeader: false,
  // The dashboard has no images to resize: no image optimizer, so the image leaves sharp out.
  images: { unoptimized: true },
};

export default nextConfig;
