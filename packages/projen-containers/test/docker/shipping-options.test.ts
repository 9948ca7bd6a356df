/** DockerImages' options for shipping images: the registry, the size threshold, the push task and the size script. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Project } from 'projen';
import { DockerImages } from '../../src/docker/docker-images';
import { shippingFields } from '../../src/lib/registry-push';
import { ConfigError } from '../../src/validate';
import { addDefaultServices, monorepo, synth, tempOutdir } from '../fixtures';

describe('DockerImages: registry, size threshold, push task, size script', () => {
  test('the options reach the manifest the tools read; push:docker and image-size are tasks; build/docker/ is ignored', () => {
    const m = monorepo();
    addDefaultServices(m);
    const files = synth(m.root);
    const manifest = files['.projen/docker-images.json'];
    expect(shippingFields(manifest)).toEqual({ sizeDeltaWarning: '10%', sizeScript: 'scripts/image-size.mjs' });
    expect(files['.projen/tasks.json'].tasks['push:docker'].steps).toEqual([{ exec: 'projen-containers-push-images', receiveArgs: true }]);
    expect(files['.gitignore']).toContain('/build/docker/');
    expect(files['.gitignore']).toContain('/cosign.key');
    expect(files['scripts/image-size.mjs']).toContain('main({"threshold":"10%"});');
    expect(m.images.shipping).toEqual({ sizeDeltaWarning: '10%', buildReport: 'build/docker/build.json', sizeScript: { path: 'scripts/image-size.mjs', command: 'node scripts/image-size.mjs' } });
  });

  test('a registry and a threshold are checked where they are given', () => {
    const make = (options: object) => () => new DockerImages(new Project({ name: 'root', outdir: tempOutdir() }), { namespace: 'qualisys', ...options });
    expect(make({ registry: 'https://ghcr.io' })).toThrow(ConfigError);
    expect(make({ registry: 'https://ghcr.io' })).toThrow('DockerImages: registry "https://ghcr.io" is not allowed: a registry host with an optional port and namespace');
    expect(make({ sizeDeltaWarning: '10' })).toThrow('DockerImages: sizeDeltaWarning "10" is not allowed: a size such as 10MB (decimal units) or a percentage of the reference image such as 5%, above zero.');
    expect(make({ sizeDeltaWarning: '0%' })).toThrow(ConfigError);
    const images = make({ registry: 'ghcr.io/acme/', sizeDeltaWarning: '5%' })();
    expect([images.registry, images.sizeDeltaWarning, images.sizeScript.path]).toEqual(['ghcr.io/acme', '5%', 'scripts/image-size.mjs']);
  });

  test('the repository\'s own configuration: a registry on this machine and a 10MB threshold', () => {
    const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', '..', '.projen', 'docker-images.json'), 'utf8'));
    expect(shippingFields(manifest)).toEqual({ registry: '127.0.0.1:5000', sizeDeltaWarning: '10MB', sizeScript: 'scripts/image-size.mjs' });
  });
});
