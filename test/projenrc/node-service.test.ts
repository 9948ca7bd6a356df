import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Project } from 'projen';
import { NodeServiceProject } from '../../projenrc/node-service';

describe('NodeServiceProject', () => {
  test('refuses a service folder outside the repository, naming the option', () => {
    const root = new Project({ name: 'root', outdir: mkdtempSync(path.join(tmpdir(), 'projen-test-')) });
    expect(() => new NodeServiceProject({ parent: root, outdir: '../../etc', name: 'x', description: 'x' }))
      .toThrow('NodeServiceProject: outdir "../../etc" is not allowed: a relative path inside the repository');
  });
});
