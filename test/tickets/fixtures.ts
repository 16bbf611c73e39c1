import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SELLER_REGISTRATION } from '../../dialogs/catalog.js';
import type { TicketRequest } from '../../src/tickets/types.js';

export function makeRequest(overrides: Partial<TicketRequest> = {}): TicketRequest {
  return {
    idempotencyKey: 'app-0001',
    channel: 'whatsapp',
    conversationId: 'conv-42',
    officer: 'chatbot.pln123',
    classification: { ...SELLER_REGISTRATION },
    applicant: {
      name: 'Siti Rahmawati',
      businessName: 'Kopi Sore',
      productType: 'Minuman',
      city: 'Bandung',
      province: 'Jawa Barat',
      phone: '+6281234567890',
      email: 'siti@example.co.id',
    },
    photo: {
      sha256: 'a'.repeat(64),
      bytes: 123_456,
      width: 1024,
      height: 768,
      mimeType: 'image/jpeg',
      fileName: 'a.jpg',
    },
    previousNumber: null,
    description: null,
    priority: 'normal',
    ...overrides,
  };
}

/** A fresh temp dir, removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pln123-tickets-'));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A fixed clock at a given instant; `set` moves it. */
export function fixedClock(iso: string): { now: () => Date; set: (iso: string) => void } {
  let t = new Date(iso);
  return { now: () => new Date(t), set: (next) => (t = new Date(next)) };
}
