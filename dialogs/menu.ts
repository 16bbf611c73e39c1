import { normalizeCommandText } from './commands.js';

/** The welcome menu's entries, recognised as typed or tapped (the button values are among them). */
export type MenuItem = 'register' | 'report' | 'status' | 'menu';

const MENU: Record<MenuItem, ReadonlySet<string>> = {
  register: new Set(['daftar', 'daftar seller', 'daftar jadi seller', 'mau daftar', 'mau daftar seller', 'jadi seller', 'mendaftar', 'register', 'register as seller', 'registrasi seller']),
  report: new Set(['lapor', 'lapor masalah', 'laporkan masalah', 'lapor keluhan', 'report', 'report a problem', 'komplain', 'keluhan', 'pengaduan', 'ada masalah']),
  status: new Set(['cek status', 'cek laporan', 'status', 'status laporan', 'cek', 'lacak laporan', 'check status', 'check a report', 'cek tiket', 'status tiket']),
  menu: new Set(['menu', 'mulai', 'start', 'help', 'bantuan', 'menu utama', 'kembali ke menu']),
};

/** Whether the whole message is one of the menu item's phrases (free text goes to the classifier). */
export function isMenu(text: string, item: MenuItem): boolean {
  return MENU[item].has(normalizeCommandText(text));
}
