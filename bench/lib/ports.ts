import net from 'node:net';

/**
 * A port that was free a moment ago on 127.0.0.1. The cold-start measurement needs the port
 * before the child starts (it polls from the moment of spawn), so `--port 0` will not do.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = address && typeof address === 'object' ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}
