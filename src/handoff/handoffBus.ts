import { EventEmitter } from 'node:events';
import type { HandoffEvent } from './types.js';

/**
 * How the agent console hears about new handoffs and transcript lines as they happen. This one
 * lives in the process; with several instances a Redis pub/sub bus takes its place, so a console
 * connected to one instance sees what arrives on another.
 */
export interface HandoffBus {
  publish(event: HandoffEvent): void;
  /** Returns the function that unsubscribes. */
  subscribe(listener: (event: HandoffEvent) => void): () => void;
}

export class LocalHandoffBus implements HandoffBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per open console tab; many officers may be signed in at once.
    this.emitter.setMaxListeners(0);
  }

  publish(event: HandoffEvent): void {
    this.emitter.emit('event', event);
  }

  subscribe(listener: (event: HandoffEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}
