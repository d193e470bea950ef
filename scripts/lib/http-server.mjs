// @ts-check

/**
 * Starts listening and resolves with the server's base URL (no trailing slash).
 * @param {import('node:http').Server} server
 * @param {number} port 0 picks a free port
 * @param {string} host
 * @returns {Promise<string>}
 */
export function listen(server, port, host) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = /** @type {import('node:net').AddressInfo} */ (server.address());
      resolve(`http://${host.includes(':') ? `[${host}]` : host}:${address.port}`);
    });
  });
}

/**
 * Stops the server without waiting for keep-alive or half-finished downloads to end on their own.
 * @param {import('node:http').Server} server
 * @returns {Promise<void>}
 */
export function closeServer(server) {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
