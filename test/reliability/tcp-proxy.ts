// A loopback TCP proxy between the CLI and PostgreSQL that can cut every connection at once,
// which is what a flaky network, a load balancer timeout or a failover looks like to a client.
import * as net from 'node:net';

export interface TcpProxy {
  readonly host: string;
  readonly port: number;
  /** Connections accepted so far (including closed ones). */
  readonly accepted: number;
  /** Connections currently open. */
  readonly open: number;
  /** Destroys every open connection on both sides (RST where possible); new ones are still accepted. */
  severAll(): number;
  /** While refusing, new connections are destroyed on accept. */
  refuse(on: boolean): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }, listen: { host?: string; port?: number } = {}): Promise<TcpProxy> {
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  let accepted = 0;
  let refusing = false;
  const server = net.createServer((client) => {
    accepted++;
    if (refusing) { client.destroy(); return; }
    const upstream = net.connect(target.port, target.host);
    const pair = { client, upstream };
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port ?? 0, listen.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as net.AddressInfo;
  const severAll = (): number => {
    const n = pairs.size;
    for (const { client, upstream } of [...pairs]) {
      reset(client);
      reset(upstream);
    }
    pairs.clear();
    return n;
  };
  return {
    host: address.address,
    port: address.port,
    get accepted() { return accepted; },
    get open() { return pairs.size; },
    severAll,
    refuse(on) { refusing = on; },
    close() {
      severAll();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** RST rather than FIN: the peer sees ECONNRESET, like a cut cable or a killed middlebox. */
function reset(socket: net.Socket): void {
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy(); // not connected yet: nothing to reset
  }
}
