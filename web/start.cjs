// Starts the Next.js standalone server (server.js beside this file, or the path given as the
// first argument) with a shutdown that suits containers: on SIGTERM or SIGINT it stops accepting
// connections, closes idle keep-alive ones, lets in-flight requests finish, and exits 0.
// (Next's own handler exits 143/130 and waits for idle keep-alive sockets to time out.)
'use strict';
const http = require('node:http');
const path = require('node:path');

const SHUTDOWN_TIMEOUT_MS = Number(process.env.SHUTDOWN_TIMEOUT_MS || 8000);
const servers = new Set();

const listen = http.Server.prototype.listen;
http.Server.prototype.listen = function patchedListen(...args) {
  servers.add(this);
  return listen.apply(this, args);
};

let stopping = false;
function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  console.log(JSON.stringify({ level: 'info', msg: 'shutting down', signal }));
  const timer = setTimeout(() => {
    console.error(JSON.stringify({ level: 'error', msg: `requests still running after ${SHUTDOWN_TIMEOUT_MS} ms; exiting` }));
    process.exit(1);
  }, SHUTDOWN_TIMEOUT_MS);
  timer.unref();
  Promise.all([...servers].map((server) => new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  }))).then(() => process.exit(0));
}

process.env.NEXT_MANUAL_SIG_HANDLE = 'true';
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));

const entry = path.resolve(process.argv[2] || path.join(__dirname, 'server.js'));
process.chdir(path.dirname(entry));
require(entry);
