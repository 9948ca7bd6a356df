// Starts the Next.js standalone server (server.js beside this file, or the path given as the first
// argument) the way a container needs it:
// - the environment is checked first: a bad PORT, HOSTNAME, API_URL, SHUTDOWN_TIMEOUT_MS,
//   KEEP_ALIVE_TIMEOUT or APP_VERSION stops start-up with exit code 78 and a one-line message that
//   names the variable and quotes the value, like the api;
// - a failure to start (a port in use, a host name that does not resolve, no server.js) is one line
//   on stderr and a non-zero exit too, never a stack trace;
// - a request whose target is no path (`OPTIONS * HTTP/1.1`, an absolute URL) is answered before
//   Next sees it: see answerNonPathTarget below;
// - on SIGTERM or SIGINT it drains without losing a request, then exits 0 (Next's own handler exits
//   143/130 and waits for idle keep-alive connections to time out). See trackConnections below; the
//   api's src/connections.ts does the same;
// - with --stop-with-launcher (the local `npx projen start`), it also stops when a process that
//   launched it is gone: see watchLaunchers below.
'use strict';
const { execFileSync } = require('node:child_process');
const http = require('node:http');
const net = require('node:net');
const fs = require('node:fs');
const path = require('node:path');

/** How long a kept-alive connection must have been idle before a shutdown closes it. */
const IDLE_GRACE_MS = 500;

/** The most characters of a value that a message shows. */
const MAX_SHOWN = 200;

/**
 * `value` as a one-line quoted string for a message: JSON string syntax, with every control, format
 * and line or paragraph separator character escaped as well (JSON leaves U+0085, U+2028 and bidi
 * controls raw), and no more than MAX_SHOWN characters of it. The api's src/config.ts has the same.
 */
function quote(value) {
  const shown = value.length > MAX_SHOWN ? value.slice(0, MAX_SHOWN) : value;
  const quoted = JSON.stringify(shown).replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, (c) =>
    Array.from({ length: c.length }, (_, i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join(''));
  return value.length > MAX_SHOWN ? `${quoted}… (${value.length} characters)` : quoted;
}

/** Any text (an error's message) on one line, without control characters. */
function oneLine(text) {
  return String(text).replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ').trim();
}

/**
 * `value`, a URL or something meant to be one, with its user information (`user:password@`) replaced
 * by `***@`, for messages. Also when the value is no valid URL: a credential split by a newline, or
 * with a raw `/` in the password, or written without slashes (`http:user:pass@host`) or without a
 * scheme (`user:pass@host`), is hidden too; so everything after the scheme up to the last `@` is
 * masked, which hides a little too much when a path has an `@`. web/src/lib/redact.ts does the same
 * for the URLs in the text a page shows.
 */
function redactUserinfo(value) {
  const scheme = /^(?:[A-Za-z][A-Za-z0-9+.-]*:[/\\]+|https?:)/i.exec(value)?.[0] ?? '';
  const at = value.lastIndexOf('@');
  return at < scheme.length ? value : `${scheme}***${value.slice(at)}`;
}

class ConfigError extends Error {
  /** `shown` is the value as the message quotes it (API_URL's without its credentials). */
  constructor(variable, value, expected, shown = value) {
    super(`Invalid ${variable}=${quote(shown)}: expected ${expected}. Fix or unset ${variable}.`);
    this.name = 'ConfigError';
  }
}

// One validator per kind of value; each trims the value first and reads an empty one as unset. The
// api's src/config.ts has the same validators for the same kinds (its tests check that they agree).

/** The trimmed value of `name`, or undefined when it is unset or blank. */
function read(env, name) {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** An integer from `min` to `max`, written in decimal digits only. */
function integer(env, name, fallback, min, max) {
  const value = read(env, name);
  if (value === undefined) return fallback;
  if (!/^[0-9]{1,15}$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new ConfigError(name, env[name], `an integer from ${min} to ${max}`);
  }
  return Number(value);
}

/** A TCP port to listen on: 1 to 65535 (0, "any free port", is no address anybody can be told). */
function port(env, name, fallback) {
  return integer(env, name, fallback, 1, 65535);
}

const HOST_LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOST_NAME = new RegExp(`^${HOST_LABEL}(?:\\.${HOST_LABEL})*$`);
/** A last label that is a number: getaddrinfo reads such a name as an IPv4 address ("127.1", "1234", "0x7f000001"). */
const NUMERIC_LAST_LABEL = /(?:^|\.)(?:[0-9]+|0x[0-9a-f]*)$/i;

/**
 * The address to listen on: an IP address (IPv4, or IPv6 without brackets) or a host name (letters,
 * digits and hyphens in dot-separated labels, up to 253 characters, and not a number in disguise such
 * as 127.1). Whether a name resolves, or an address is this machine's, only listening tells: that is a
 * failure at run time (see describeListenError), not a bad value.
 */
function listenHost(env, name, fallback) {
  const value = read(env, name);
  if (value === undefined) return fallback;
  if (net.isIP(value)) return value;
  if (value.length <= 253 && HOST_NAME.test(value) && !NUMERIC_LAST_LABEL.test(value)) return value;
  throw new ConfigError(name, env[name], 'an IP address (such as 0.0.0.0, 127.0.0.1 or ::) or a host name (such as localhost) to listen on');
}

/** A version as image tags and SemVer write it: up to 128 letters, digits and `. _ + -`, starting with a letter, digit or `_`. */
function version(env, name, fallback) {
  const value = read(env, name);
  if (value === undefined) return fallback;
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,127}$/.test(value)) {
    throw new ConfigError(name, env[name], 'a version such as 1.2.3, 1.2.3-rc.1 or sha-abc1234 (up to 128 letters, digits and . _ + -)');
  }
  return value;
}

/**
 * The base URL of an upstream service, without a trailing slash: `http://` or `https://`, a host, an
 * optional port from 1 to 65535 and an optional path, written out (the URL parser's leniencies, such
 * as `http:host` or a tab inside, are refused). No credentials: the value ends up in error messages
 * and pages, and the api takes none. No query and no fragment: the path of each request is appended
 * to the value. The message never quotes the credentials.
 */
function serviceUrl(env, name, fallback) {
  const value = read(env, name);
  if (value === undefined) return fallback;
  const refuse = (expected) => new ConfigError(name, env[name], expected, redactUserinfo(env[name]));
  const EXPECTED = 'an http:// or https:// URL of the api, such as http://127.0.0.1:3000';
  if (!/^https?:\/\/[^\s/\\?#]/i.test(value) || /[\s\p{Cc}\p{Cf}\\]/u.test(value)) throw refuse(EXPECTED);
  let url;
  try {
    url = new URL(value);
  } catch {
    throw refuse(EXPECTED);
  }
  const authority = value.slice(value.indexOf('//') + 2).split(/[/?#]/)[0];
  if (url.username || url.password || authority.includes('@')) {
    throw refuse(`a URL without credentials (user:password@): credentials do not belong in ${name}, and the api takes none`);
  }
  if (/[?#]/.test(value)) throw refuse(`a URL without a query (?) or a fragment (#): the path of each request is appended to ${name}`);
  if (url.port === '0') throw refuse(`${EXPECTED}, with a port from 1 to 65535`);
  return url.href.replace(/\/+$/, '');
}

/** The settings web reads from its environment, each validated (ConfigError names what is wrong). */
function loadConfig(env) {
  return {
    port: port(env, 'PORT', 3000),
    hostname: listenHost(env, 'HOSTNAME', '0.0.0.0'),
    apiUrl: serviceUrl(env, 'API_URL', 'http://127.0.0.1:3000'),
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 8000, 100, 600000),
    // Read by Next's server.js, which ignores a value it cannot parse; unset means Node's default.
    keepAliveTimeoutMs: integer(env, 'KEEP_ALIVE_TIMEOUT', undefined, 100, 600000),
    version: version(env, 'APP_VERSION', undefined),
  };
}

/** Error codes of a host name that does not resolve. */
const UNRESOLVED = ['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA'];

/**
 * What went wrong when listening on `host`:`port` failed, and what to do, on one line; undefined
 * when `err` is no listen error. `hostVariable` is the variable that set the host. The api's
 * src/config.ts has the same.
 */
function describeListenError(err, hostVariable, host, listenPort) {
  if (!err || typeof err.code !== 'string' || !['listen', 'bind', 'getaddrinfo'].includes(err.syscall ?? '')) return undefined;
  const where = `${quote(host)} port ${listenPort}`;
  switch (err.code) {
    case 'EADDRINUSE':
      return `cannot listen on ${where}: the port is in use (EADDRINUSE). Stop what listens there, or set PORT to a free port.`;
    case 'EACCES':
      return `cannot listen on ${where}: not allowed (EACCES). Set PORT to 1024 or above, or give the process the right to bind low ports.`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${where}: ${hostVariable}=${quote(host)} is not an address of this machine (EADDRNOTAVAIL). Set ${hostVariable} to one of its addresses, or to 0.0.0.0 to listen on all of them.`;
    case 'EAFNOSUPPORT':
      return `cannot listen on ${where}: this machine has no network of that address family (EAFNOSUPPORT). Set ${hostVariable} to an address it has, such as 0.0.0.0.`;
    default:
      if (UNRESOLVED.includes(err.code)) {
        return `cannot listen on ${where}: ${hostVariable}=${quote(host)} does not resolve to an address (${err.code}). Set ${hostVariable} to an address of this machine, or to a name that resolves to one.`;
      }
      return `cannot listen on ${where}: ${oneLine(err.message)} (${err.code}).`;
  }
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
  let onClosed; // while draining: checks whether the drain is over (called as each connection closes)
  server.on('connection', (socket) => {
    connections.set(socket, { responses: new Set(), idleSince: Date.now() });
    socket.once('close', () => {
      connections.delete(socket);
      onClosed?.();
    });
  });
  const track = (req, res) => {
    if (draining) res.setHeader('connection', 'close');
    const conn = connections.get(req.socket);
    if (!conn) return;
    conn.responses.add(res);
    res.once('close', () => {
      conn.responses.delete(res);
      conn.idleSince = Date.now();
    });
  };
  // First among the 'request' listeners: the header is set before Next starts answering.
  server.prependListener('request', track);
  return {
    /** Tracks a request answered without a 'request' event (see answerNonPathTarget). */
    track,
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
            onClosed = undefined;
            resolve();
          }
        };
        // Checked often enough that a short grace period is kept to, and as soon as a connection closes.
        const timer = setInterval(check, Math.max(1, Math.min(50, idleGraceMs / 4)));
        onClosed = check;
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

/** The methods web answers (`Allow` of `OPTIONS *`). */
const ALLOW = 'GET, HEAD, OPTIONS';

/**
 * A request target as a path (origin-form), or undefined when it is none. Next answers
 * `OPTIONS * HTTP/1.1` with a 500 and logs a stack trace ("TypeError: Invalid URL"), and answers a
 * target written as an absolute URL with a redirect to the same URL; so start.cjs gives Next paths
 * only: a path is kept; an absolute http(s) URL (absolute-form, RFC 9112 3.2.2, which a server must
 * accept) becomes its path and query; anything else is answered by answerNonPathTarget.
 */
function originForm(target = '') {
  if (target.startsWith('/')) return target;
  if (!/^https?:\/\/[^/?#]/i.test(target)) return undefined;
  try {
    const url = new URL(target);
    return url.pathname + url.search;
  } catch {
    return undefined;
  }
}

/**
 * Answers a request whose target is no path: `*` (asterisk-form, RFC 9112 3.2.4) with OPTIONS asks
 * about the server itself, and the answer is a 204 with `Allow`; anything else is a 400.
 */
function answerNonPathTarget(req, res) {
  if (req.url === '*' && req.method === 'OPTIONS') {
    res.writeHead(204, { allow: ALLOW });
    res.end();
    return;
  }
  const body = req.url === '*' ? `The request target * is for OPTIONS only, not ${req.method}.\n` : 'The request target must be a path, such as /.\n';
  res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Thrown for command-line arguments start.cjs does not take. */
class UsageError extends Error {}

const USAGE = 'usage: node start.cjs [PATH_OF_STANDALONE_SERVER_JS] [--stop-with-launcher]';

/** The server to start and the options, from the command line (without node and the script). */
function parseArgs(args) {
  const options = args.filter((a) => a.startsWith('-'));
  const paths = args.filter((a) => !a.startsWith('-'));
  const unknown = options.find((a) => a !== '--stop-with-launcher');
  if (unknown !== undefined) throw new UsageError(`unknown option ${quote(unknown)}; ${USAGE}`);
  if (paths.length > 1) throw new UsageError(`one server path at most, got ${paths.length} (${paths.map(quote).join(', ')}); ${USAGE}`);
  return {
    entry: path.resolve(paths[0] || path.join(__dirname, 'server.js')),
    stopWithLauncher: options.includes('--stop-with-launcher'),
  };
}

const log = (level, msg, fields = {}) => (level === 'error' ? console.error : console.log)(JSON.stringify({ level, msg, ...fields }));

/** Writes one line to stderr and exits with `code`: no stack trace, whatever went wrong. */
function fail(message, code) {
  process.stderr.write(`web: ${oneLine(message)}\n`);
  process.exit(code);
}

/** Sets `name` in the environment Next reads, or removes it when `value` is undefined. */
function setEnv(name, value) {
  if (value === undefined) delete process.env[name];
  else process.env[name] = String(value);
}

function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    fail(err.message, 64); // EX_USAGE
  }
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    fail(`configuration error: ${err.message}`, 78); // EX_CONFIG
  }
  const { entry } = args;
  if (!fs.statSync(entry, { throwIfNoEntry: false })?.isFile()) {
    fail(`cannot start: no Next.js server at ${quote(entry)}. Build it (npx projen compile), or pass the path of .next/standalone/server.js.`, 66); // EX_NOINPUT
  }
  // Next's server.js reads these again, and falls back silently on values it cannot parse: it gets
  // the validated ones. The pages read API_URL and APP_VERSION.
  setEnv('PORT', config.port);
  setEnv('HOSTNAME', config.hostname);
  setEnv('API_URL', config.apiUrl);
  setEnv('KEEP_ALIVE_TIMEOUT', config.keepAliveTimeoutMs);
  setEnv('APP_VERSION', config.version);

  // Every HTTP server the app starts (Next starts one) is tracked from before it listens, answers a
  // request target that is no path itself (for a request or an upgrade: Next would log a stack
  // trace), and a failure to listen is one line and exit 1 (before Next prints it with its stack).
  const servers = [];
  const listen = http.Server.prototype.listen;
  http.Server.prototype.listen = function listenTracked(...listenArgs) {
    const tracker = trackConnections(this);
    servers.push(tracker);
    const emit = this.emit;
    this.emit = function emitChecked(event, ...eventArgs) {
      if (event === 'request') {
        const [req, res] = eventArgs;
        const target = originForm(req.url);
        if (target === undefined) {
          tracker.track(req, res);
          answerNonPathTarget(req, res);
          return true;
        }
        req.url = target;
      } else if (event === 'upgrade') {
        const [req, socket] = eventArgs;
        const target = originForm(req.url);
        if (target === undefined) {
          socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
          return true;
        }
        req.url = target;
      }
      return emit.call(this, event, ...eventArgs);
    };
    const onListenError = (err) => {
      const message = describeListenError(err, 'HOSTNAME', config.hostname, config.port);
      if (message) fail(message, 1);
    };
    this.prependListener('error', onListenError);
    this.once('listening', () => this.off('error', onListenError));
    return listen.apply(this, listenArgs);
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
    // An idle connection gets half the shutdown budget at most, so that a short SHUTDOWN_TIMEOUT_MS
    // still ends in a clean exit when no request is running.
    Promise.all(servers.map((s) => s.drain(Math.min(IDLE_GRACE_MS, config.shutdownTimeoutMs / 2)))).then(() => {
      log('info', 'stopped');
      process.exit(0);
    });
  };
  process.env.NEXT_MANUAL_SIG_HANDLE = 'true';
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  if (args.stopWithLauncher) watchLaunchers(() => shutdown('launcher exited'));

  process.chdir(path.dirname(entry));
  try {
    require(entry);
  } catch (err) {
    fail(`cannot start: ${quote(entry)} failed to load: ${err instanceof Error ? err.message : String(err)}`, 1);
  }
}

if (require.main === module) main();

module.exports = { ConfigError, describeListenError, loadConfig, originForm, parseArgs, quote, redactUserinfo, UsageError };
