/**
 * A local GitHub's git side: a smart-HTTP server over `git http-backend` (CGI) serving bare
 * repositories under one folder, at `http://github.localhost:PORT/OWNER/REPO` (and `.git`; the
 * server listens on 127.0.0.1 only), so the real
 * actions/checkout clones and fetches from it as from github.com (`GITHUB_SERVER_URL`). Any
 * `Authorization` header is accepted and ignored: the twin's token is a dummy.
 */
import { spawn } from 'node:child_process';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';

export interface GitServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Starts the server on 127.0.0.1 (a free port unless `port` is given). */
export async function startGitServer(root: string, port = 0): Promise<GitServer> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // /owner/repo(.git)?/info/refs, /owner/repo/git-upload-pack, ... -> PATH_INFO /owner/repo.git/...
    const m = /^\/([^/]+)\/([^/]+?)(?:\.git)?(\/(?:info\/refs|git-upload-pack|git-receive-pack|HEAD|objects\/.*))$/.exec(url.pathname);
    if (!m) {
      res.writeHead(404).end('not a git path\n');
      return;
    }
    const env = {
      ...process.env,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: `/${m[1]}/${m[2]}.git${m[3]}`,
      QUERY_STRING: url.search.replace(/^\?/, ''),
      REQUEST_METHOD: req.method ?? 'GET',
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_USER: 'twin',
      REMOTE_ADDR: '127.0.0.1',
      HTTP_CONTENT_ENCODING: String(req.headers['content-encoding'] ?? ''),
      GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
    };
    const cgi = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'inherit'] });
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let headersDone = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      const endLf = head.indexOf('\n\n');
      const [at, len] = end >= 0 ? [end, 4] : endLf >= 0 ? [endLf, 2] : [-1, 0];
      if (at < 0) return;
      headersDone = true;
      let status = 200;
      for (const line of head.subarray(0, at).toString('latin1').split(/\r?\n/)) {
        const i = line.indexOf(':');
        if (i < 0) continue;
        const key = line.slice(0, i).trim();
        const value = line.slice(i + 1).trim();
        if (key.toLowerCase() === 'status') status = Number(value.split(' ')[0]);
        else res.setHeader(key, value);
      }
      res.writeHead(status);
      res.write(head.subarray(at + len));
    });
    cgi.on('close', () => res.end());
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    // A *.localhost name (git's curl resolves it to the loopback address): the artifact and
    // cache clients treat any other host but github.com as GitHub Enterprise Server and refuse.
    url: `http://github.localhost:${actual}`,
    port: actual,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The bare repository folder of `owner/repo` under the server's root. */
export function bareRepository(root: string, fullName: string): string {
  return path.join(root, `${fullName}.git`);
}
