import { createServer } from 'node:net';

/**
 * Ports this process handed out already. The kernel may give the same ephemeral port to two
 * binds in a row once the first is closed, so a test that asks twice (the embedded broker's port,
 * then the HTTP port) could get one port for both, and one of its servers fails with EADDRINUSE.
 */
const given = new Set<number>();

function bindZero(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A free TCP port on 127.0.0.1 (the kernel picks it), never one this process was given before. */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = await bindZero();
    if (!given.has(port)) {
      given.add(port);
      return port;
    }
  }
  throw new Error('no fresh free port after 50 tries');
}
