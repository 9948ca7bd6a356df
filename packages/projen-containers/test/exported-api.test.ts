/**
 * What a stranger's project sees: everything below comes from the package's entry point
 * (src/index.ts, `projen-containers` once built), never from a module inside it. A kind written
 * outside the package, registered and used, with the same API the built-in kinds use.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Project, Testing } from 'projen';
import * as pkg from '../src';

interface RustOptions { readonly port: number; readonly binary?: string }
interface Rust { readonly port: number; readonly binary: string; readonly user: string; readonly uid: string }

const RUST_SERVICE = pkg.defineImageKind<RustOptions, Rust>({
  name: 'rust-service',
  description: 'a Rust HTTP service: a static binary on distroless',
  source: 'acme/kinds/rust-service',
  options: ['port', 'binary'],
  bases: {
    build: { name: 'rust', image: { repository: 'rust', tag: '1.90-slim', buildArg: 'RUST_IMAGE' } },
    runtime: pkg.DISTROLESS_BASE,
  },
  dependencyEcosystem: 'cargo',
  resolve: (o, service) => ({
    port: pkg.integer('DockerImages', 'port', o.port, 1, 65535, service),
    binary: o.binary ?? service,
    user: 'nonroot',
    uid: '65532:65532',
  }),
  contextFiles: () => ['Cargo.toml', 'Cargo.lock', 'src'],
  render: (model, ctx) => {
    pkg.addBase(model, ctx, 'Official Rust and distroless images, pinned by digest.');
    model.addStage('build', { from: pkg.fromBase(ctx, 'build'), comment: 'A static, release binary.' })
      .workdir('/src')
      .copy(['Cargo.toml', 'Cargo.lock'], './')
      .copy('src', './src')
      .run('cargo build --release --locked');
    const runtime = model.addStage('runtime', { from: pkg.fromBase(ctx, 'runtime'), comment: 'The binary alone.' })
      .copy(`/src/target/release/${ctx.options.binary}`, '/usr/local/bin/app', { from: 'build' })
      .user(ctx.options.uid)
      .expose(ctx.options.port);
    pkg.addLabelsAndVersion(runtime, ctx);
    runtime.cmd(['/usr/local/bin/app']);
  },
  facts: (o) => ({ user: o.user, uid: o.uid, port: o.port }),
});

test('a kind written outside the package builds an image with the exported API only', () => {
  const outdir = mkdtempSync(path.join(tmpdir(), 'projen-test-'));
  writeFileSync(path.join(outdir, 'base-images.lock.json'), JSON.stringify({ 'rust:1.90-slim': { digest: `sha256:${'b'.repeat(64)}` } }));
  const root = new Project({ name: 'acme', outdir });
  const svc = new Project({ name: 'ledger', parent: root, outdir: 'services/ledger' });
  const images = new pkg.DockerImages(root, { namespace: 'acme' }).registerKind(RUST_SERVICE);
  images.addService(svc, { kind: RUST_SERVICE, port: 8080, sizeBudget: '50MB' });
  const files = Testing.synth(root);
  const dockerfile = files['services/ledger/Dockerfile'] as string;
  expect(dockerfile).toMatch(/^FROM rust:1\.90-slim@sha256:b{64} AS rust-base$/m);
  expect(dockerfile).toMatch(/^FROM gcr\.io\/distroless\/static-debian12:nonroot@sha256:[0-9a-f]{64} AS distroless-base$/m);
  expect(dockerfile).toContain('USER 65532:65532');
  expect(images.dependencyDirectories()).toEqual([{ ecosystem: 'cargo', directory: '/services/ledger' }]);
  expect(files['services/ledger/.dockerignore']).toContain('!Cargo.lock');
});
