// Starts the Next.js standalone server (server.js beside this file, or the path given as the first
// argument) the way a container needs it:
// - the environment is checked first: a bad PORT, HOSTNAME, API_URL or SHUTDOWN_TIMEOUT_MS stops
//   start-up with exit code 78 and a one-line message, like the api;
// - on SIGTERM or SIGINT it drains without losing a request, then exits 0 (Next's own handler exits
//   143/130 and waits for idle keep-alive connections to time out). See trackConnections below; the
//   api's src/connections.ts does the same;
// - with --stop-with-launcher (the local `npx projen start`), it also stops when a process that
//   launched it is gone: see watchLaunchers below.
'use strict';
const { execFileSync } = require('node:child_process');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');

/** How long a kept-alive connection must have been idle before a shutdown closes it. */
const IDLE_GRACE_MS = 500;

class ConfigError extends Error {}

function integer(env, name, fallback, min, max) {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || value < min || value > max) {
    throw new ConfigError(`Invalid ${name}="${raw}": expected an integer from ${min} to ${max}. Fix or unset ${name}.`);
  }
  return value;
}

const HOST_LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOST_NAME = new RegExp(`^${HOST_LABEL}(?:\\.${HOST_LABEL})*$`);

/** The settings web reads from its environment, each validated (ConfigError names what is wrong). */
function loadConfig(env) {
  const hostname = (env.HOSTNAME ?? '').trim() || '0.0.0.0';
  if (hostname.length > 253 || !(net.isIP(hostname) || HOST_NAME.test(hostname))) {
    throw new ConfigError(`Invalid HOSTNAME="${env.HOSTNAME}": expected an IP address or a host name to listen on. Fix or unset HOSTNAME.`);
  }
  const apiUrl = (env.API_URL ?? '').trim() || 'http://127.0.0.1:3000';
  let url;
  try {
    url = new URL(apiUrl);
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol) || !url.hostname) {
    throw new ConfigError(`Invalid API_URL="${env.API_URL}": expected an http:// or https:// URL of the api, such as http://127.0.0.1:3000. Fix or unset API_URL.`);
  }
  return {
    port: integer(env, 'PORT', 3000, 1, 65535),
    hostname,
    apiUrl,
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 8000, 100, 600000),
  };
}

/**
 * Drains an HTTP/1.1 server without losing a request that a keep-alive client has already sent.
 *
 * Node's server.close() stops listening and also destroys every idle keep-alive connection at once
 * (Node 19 and later), including one whose client has just written its next request: that request
 * is lost. So, once draining: the listening socket closes (new connections are refused); every
 * response not yet started says `Connection: close` and Node closes its connection after it; a
 * connection with no request in flight is closed only once it has been idle for the grace period;
 * the drain ends when no connection is left. Call before the server listens.
 */
function trackConnections(server) {
  const connections = new Map(); // socket -> { responses: Set<ServerResponse>, idleSince }
  let draining = false;
  server.on('connection', (socket) => {
    connections.set(socket, { responses: new Set(), idleSince: Date.now() });
    socket.once('close', () => connections.delete(socket));
  });
  // First among the 'request' listeners: the header is set before Next starts answering.
  server.prependListener('request', (req, res) => {
    if (draining) res.setHeader('connection', 'close');
    const conn = connections.get(req.socket);
    if (!conn) return;
    conn.responses.add(res);
    res.once('close', () => {
      conn.responses.delete(res);
      conn.idleSince = Date.now();
    });
  });
  return {
    /** Requests received and not yet answered. */
    inFlight() {
      let n = 0;
      for (const conn of connections.values()) n += conn.responses.size;
      return n;
    },
    /** Stops accepting connections; resolves once every connection has closed. */
    drain(idleGraceMs = IDLE_GRACE_MS) {
      draining = true;
      for (const conn of connections.values()) {
        for (const res of conn.responses) if (!res.headersSent) res.setHeader('connection', 'close');
      }
      // net.Server's close, not http.Server's: that one would also destroy the idle connections now.
      if (server.listening) net.Server.prototype.close.call(server);
      return new Promise((resolve) => {
        const check = () => {
          const now = Date.now();
          for (const [socket, conn] of connections) {
            if (conn.responses.size === 0 && now - conn.idleSince >= idleGraceMs) socket.destroy();
          }
          if (connections.size === 0) {
            clearInterval(timer);
            resolve();
          }
        };
        const timer = setInterval(check, 50);
        check();
      });
    },
  };
}

/**
 * `npx projen start` runs npm, which runs `sh -c projen`, which runs this script: a SIGTERM sent to
 * npx reaches npm and sh only (sh does not pass it on, projen forwards no signal), and the server
 * would run on, orphaned. So a locally started server watches the processes that launched it (its
 * ancestors, listed once by `ps`) and calls `onGone` when one of them has exited.
 */
function watchLaunchers(onGone, intervalMs = 500) {
  const parentOf = new Map();
  try {
    for (const line of execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' }).trim().split('\n')) {
      const [pid, ppid] = line.trim().split(/\s+/).map(Number);
      parentOf.set(pid, ppid);
    }
  } catch {
    // no ps: the direct parent only
  }
  const launchers = [];
  for (let pid = process.ppid; pid > 1 && !launchers.includes(pid); pid = parentOf.get(pid) ?? 0) launchers.push(pid);
  const alive = (pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (err) {
      return err.code === 'EPERM';
    }
  };
  const timer = setInterval(() => {
    if (process.ppid !== launchers[0] || !launchers.every(alive)) {
      clearInterval(timer);
      onGone();
    }
  }, intervalMs);
  timer.unref();
}

const log = (level, msg, fields = {}) => (level === 'error' ? console.error : console.log)(JSON.stringify({ level, msg, ...fields }));

function main() {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`web: configuration error: ${err.message}\n`);
    process.exit(78); // EX_CONFIG
  }
  // Next's server.js reads these again, and falls back silently on values it cannot parse.
  process.env.PORT = String(config.port);
  process.env.HOSTNAME = config.hostname;
  process.env.API_URL = config.apiUrl;

  const args = process.argv.slice(2);
  const entry = path.resolve(args.find((a) => !a.startsWith('--')) || path.join(__dirname, 'server.js'));

  // Every HTTP server the app starts (Next starts one) is tracked from before it listens.
  const servers = [];
  const listen = http.Server.prototype.listen;
  http.Server.prototype.listen = function listenTracked(...args) {
    servers.push(trackConnections(this));
    return listen.apply(this, args);
  };

  let stopping = false;
  const shutdown = (signal) => {
    if (stopping) return;
    stopping = true;
    log('info', 'shutting down', { signal });
    setTimeout(() => {
      const inFlight = servers.reduce((n, s) => n + s.inFlight(), 0);
      log('error', `shutdown timed out after ${config.shutdownTimeoutMs} ms with ${inFlight} request(s) still running; exiting with 1`, { inFlight });
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    Promise.all(servers.map((s) => s.drain())).then(() => {
      log('info', 'stopped');
      process.exit(0);
    });
  };
  process.env.NEXT_MANUAL_SIG_HANDLE = 'true';
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  if (args.includes('--stop-with-launcher')) watchLaunchers(() => shutdown('launcher exited'));

  process.chdir(path.dirname(entry));
  require(entry);
}

if (require.main === module) main();

module.exports = { ConfigError, loadConfig };
