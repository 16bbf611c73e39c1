import dgram from 'node:dgram';

/**
 * A minimal DNS server for the SSRF tests in a network namespace (whose resolv.conf points at it),
 * so that host names go through the system resolver exactly as in production. It answers A
 * queries from a table, with TTL 0; a name has a sequence of answers, one per query (the last
 * repeats), to play DNS rebinding. Unknown names are NXDOMAIN.
 * Hand-written because no DNS server library is installed, and it only needs to answer the tests'
 * own single-question queries. IPv4 only: AAAA queries get an empty answer.
 */
export interface TinyDns {
  /** How many A queries each name received. */
  readonly queries: Map<string, number>;
  close(): Promise<void>;
}

export async function startTinyDns(table: Record<string, string[][]>, opts: { host?: string; port?: number } = {}): Promise<TinyDns> {
  const queries = new Map<string, number>();
  const socket = dgram.createSocket('udp4');
  socket.on('message', (msg, peer) => {
    const reply = answer(msg, table, queries);
    if (reply) socket.send(reply, peer.port, peer.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(opts.port ?? 53, opts.host ?? '127.0.0.1', () => resolve());
  });
  return { queries, close: () => new Promise<void>((resolve) => socket.close(() => resolve())) };
}

function answer(msg: Buffer, table: Record<string, string[][]>, queries: Map<string, number>): Buffer | null {
  if (msg.length < 12 || msg.readUInt16BE(4) !== 1) return null;
  const labels: string[] = [];
  let i = 12;
  while (i < msg.length && msg[i] !== 0) {
    const len = msg[i]!;
    labels.push(msg.subarray(i + 1, i + 1 + len).toString('ascii'));
    i += 1 + len;
  }
  const questionEnd = i + 5;
  if (questionEnd > msg.length) return null;
  const qtype = msg.readUInt16BE(i + 1);
  const name = labels.join('.').toLowerCase();
  const sequence = table[name];
  let addresses: string[] = [];
  if (sequence && qtype === 1) {
    const n = queries.get(name) ?? 0;
    queries.set(name, n + 1);
    addresses = sequence[Math.min(n, sequence.length - 1)] ?? [];
  }
  const header = Buffer.alloc(12);
  msg.copy(header, 0, 0, 2);
  header.writeUInt16BE(sequence ? 0x8180 : 0x8183, 2); // a response, recursion available; NXDOMAIN when unknown
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(addresses.length, 6);
  const records = addresses.map((address) => {
    const rr = Buffer.alloc(16);
    rr.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question
    rr.writeUInt16BE(1, 2); // A
    rr.writeUInt16BE(1, 4); // class IN
    rr.writeUInt32BE(0, 6); // TTL 0: never cached
    rr.writeUInt16BE(4, 10);
    Buffer.from(address.split('.').map(Number)).copy(rr, 12);
    return rr;
  });
  return Buffer.concat([header, msg.subarray(12, questionEnd), ...records]);
}
