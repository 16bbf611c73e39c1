import { normalizeCommandText } from './commands.js';

/** The welcome menu's entries, recognised as typed or tapped (the button values are among them). */
export type MenuItem = 'register' | 'report' | 'status' | 'menu';

const MENU: Record<MenuItem, ReadonlySet<string>> = {
  register: new Set(['daftar', 'daftar seller', 'daftar jadi seller', 'mau daftar', 'mau daftar seller', 'jadi seller', 'mendaftar', 'register', 'register as seller', 'registrasi seller']),
  report: new Set(['lapor', 'lapor masalah', 'laporkan masalah', 'lapor keluhan', 'report', 'report a problem', 'komplain', 'keluhan', 'pengaduan', 'ada masalah']),
  status: new Set(['cek status', 'cek laporan', 'status', 'status laporan', 'cek', 'lacak laporan', 'check status', 'check a report', 'cek tiket', 'status tiket', 'cek status pendaftaran', 'cek pendaftaran', 'status pendaftaran', 'cek status laporan', 'cek status tiket', 'check my report', 'check report status', 'check application status', 'application status', 'check my application', 'report status']),
  menu: new Set(['menu', 'mulai', 'start', 'help', 'bantuan', 'menu utama', 'kembali ke menu']),
};

/** Words around a menu choice that do not change it: "mau lapor min", "cek status dong kak", "saya mau daftar". */
const AROUND = new Set(['mau', 'ingin', 'pengen', 'pgn', 'saya', 'sy', 'aku', 'min', 'mimin', 'kak', 'admin', 'gan', 'dong', 'ya', 'yah', 'nih', 'deh', 'aja', 'saja', 'please', 'pls', 'i', 'want', 'to', 'would', 'like', 'my', 'the']);

/** Whether the message is one of the menu item's phrases, give or take those words (free text goes to the classifier). */
export function isMenu(text: string, item: MenuItem): boolean {
  const normalized = normalizeCommandText(text);
  if (MENU[item].has(normalized)) return true;
  const core = normalized.split(' ').filter((w) => !AROUND.has(w)).join(' ');
  return core !== '' && MENU[item].has(core);
}
