/** The credentials `docker login` stored, found as docker finds them (src/engine/docker-credentials.ts). */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { dockerCredentials } from '../../src/engine/docker-credentials';

describe('Docker\'s credentials', () => {
  test('Docker\'s credentials: config.json auths, or a credential helper', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'docker-config-'));
    try {
      writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths: { 'ghcr.io': { auth: Buffer.from('me:p:w').toString('base64') } } }));
      expect(dockerCredentials('ghcr.io', { DOCKER_CONFIG: dir })).toEqual({ username: 'me', password: 'p:w' });
      expect(dockerCredentials('other.io', { DOCKER_CONFIG: dir })).toBeUndefined();
      expect(dockerCredentials('ghcr.io', { DOCKER_CONFIG: path.join(dir, 'none') })).toBeUndefined();
      // A credential helper (docker-credential-NAME get, the host on stdin) comes first.
      mkdirSync(path.join(dir, 'bin'));
      writeFileSync(path.join(dir, 'bin', 'docker-credential-qualisys-test'), '#!/bin/sh\nread host\nprintf \'{"ServerURL":"%s","Username":"helper","Secret":"s3cret"}\' "$host"\n', { mode: 0o755 });
      writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ credHelpers: { 'r.io': 'qualisys-test' }, auths: { 'r.io': { auth: Buffer.from('old:pw').toString('base64') } } }));
      expect(dockerCredentials('r.io', { DOCKER_CONFIG: dir, PATH: `${path.join(dir, 'bin')}:${process.env.PATH}` })).toEqual({ username: 'helper', password: 's3cret' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('Docker Hub\'s are under https://index.docker.io/v1/, where docker login stores them, for docker.io and index.docker.io', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'docker-config-'));
    try {
      const auth = (u: string) => ({ auth: Buffer.from(`${u}:pw`).toString('base64') });
      writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths: { 'https://index.docker.io/v1/': auth('hub'), 'docker.io': auth('wrong') } }));
      expect(dockerCredentials('docker.io', { DOCKER_CONFIG: dir })).toEqual({ username: 'hub', password: 'pw' });
      expect(dockerCredentials('index.docker.io', { DOCKER_CONFIG: dir })).toEqual({ username: 'hub', password: 'pw' });
      // Other registries: the host, or a key of the same host with a scheme (docker login https://ghcr.io).
      writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths: { 'https://ghcr.io': auth('gh') } }));
      expect(dockerCredentials('ghcr.io', { DOCKER_CONFIG: dir })).toEqual({ username: 'gh', password: 'pw' });
      expect(dockerCredentials('docker.io', { DOCKER_CONFIG: dir })).toBeUndefined();
      // A credential helper is asked for the same key.
      mkdirSync(path.join(dir, 'bin'));
      writeFileSync(path.join(dir, 'bin', 'docker-credential-qualisys-test'), '#!/bin/sh\nread host\n[ "$host" = "https://index.docker.io/v1/" ] || exit 1\nprintf \'{"Username":"helper","Secret":"s3cret"}\'\n', { mode: 0o755 });
      writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ credHelpers: { 'https://index.docker.io/v1/': 'qualisys-test' } }));
      expect(dockerCredentials('docker.io', { DOCKER_CONFIG: dir, PATH: `${path.join(dir, 'bin')}:${process.env.PATH}` })).toEqual({ username: 'helper', password: 's3cret' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
