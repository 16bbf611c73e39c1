import os from 'node:os';

/**
 * An address of this host that is not loopback (the first IPv4 of a real interface), so a test can
 * be a "remote" client of a local server: connecting to it from this host keeps the traffic on the
 * host, yet the server sees a non-loopback peer. Throws when the host has none: such a test cannot
 * run here, and says so rather than passing vacuously.
 */
export function nonLoopbackAddress(): string {
  for (const entries of Object.values(os.networkInterfaces())) {
    for (const entry of entries ?? []) if (entry.family === 'IPv4' && !entry.internal) return entry.address;
  }
  throw new Error('this host has no non-loopback IPv4 address: the test needs one to act as a remote client');
}
