import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer, Socket } from 'node:net';

/**
 * Drains an HTTP/1.1 server without losing a request that a keep-alive client has already sent.
 *
 * Node's `server.close()` stops listening and also destroys every idle keep-alive connection at
 * once (Node 19 and later). "Idle" there means no request is being parsed: a connection whose
 * client has just written its next request, still in the kernel's buffers, is idle too, and that
 * request is lost (the client sees ECONNRESET and cannot tell whether it was served). So, once
 * draining:
 * - the listening socket closes: new connections are refused, and clients go elsewhere;
 * - every response not yet started says `Connection: close`, and Node closes its connection
 *   right after it: the client knows not to send on it again;
 * - a connection with no request in flight is closed only after it has been idle for
 *   `idleGraceMs`, so a request a client sends at the moment it goes idle is still answered (with
 *   `Connection: close`);
 * - the drain ends when no connection is left.
 * The web service's start.cjs does the same for the Next.js server.
 */
export class ConnectionTracker {
  /** Open connections: the responses in flight on each, and since when it has had none. */
  private readonly connections = new Map<Socket, { responses: Set<ServerResponse>; idleSince: number }>();
  private draining = false;
  /** While draining: checks whether the drain is over (called as each connection closes). */
  private onClosed?: () => void;

  /** Call before the server listens. */
  constructor(private readonly server: Server) {
    server.on('connection', (socket: Socket) => {
      this.connections.set(socket, { responses: new Set(), idleSince: Date.now() });
      socket.once('close', () => {
        this.connections.delete(socket);
        this.onClosed?.();
      });
    });
    // First among the 'request' listeners: the header is set before the app starts answering.
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
      if (this.draining) res.setHeader('connection', 'close');
      const conn = this.connections.get(req.socket);
      if (!conn) return;
      conn.responses.add(res);
      res.once('close', () => {
        conn.responses.delete(res);
        conn.idleSince = Date.now();
      });
    });
  }

  /** Requests received and not yet answered. */
  get inFlight(): number {
    let n = 0;
    for (const conn of this.connections.values()) n += conn.responses.size;
    return n;
  }

  /** Stops accepting connections and resolves once every connection has closed (see the class). */
  drain(idleGraceMs = 500): Promise<void> {
    this.draining = true;
    for (const conn of this.connections.values()) {
      for (const res of conn.responses) if (!res.headersSent) res.setHeader('connection', 'close');
    }
    // net.Server's close, not http.Server's: that one would also destroy the idle connections now.
    if (this.server.listening) NetServer.prototype.close.call(this.server);
    return new Promise((resolve) => {
      const check = () => {
        const now = Date.now();
        for (const [socket, conn] of this.connections) {
          if (conn.responses.size === 0 && now - conn.idleSince >= idleGraceMs) socket.destroy();
        }
        if (this.connections.size === 0) {
          clearInterval(timer);
          this.onClosed = undefined;
          resolve();
        }
      };
      // Checked often enough that a short grace period is kept to, and as soon as a connection closes.
      const timer = setInterval(check, Math.max(1, Math.min(50, idleGraceMs / 4)));
      this.onClosed = check;
      check();
    });
  }
}
