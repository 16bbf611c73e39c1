// @ts-check
/** The customer form's fields, and which ones each kind of ticket needs. */

/** @import { TicketKind } from './types.js' */

export const FIELD_KEYS = ['name', 'businessName', 'productType', 'city', 'province', 'phone', 'email'];
/** @type {Record<TicketKind, string[]>} */
export const REQUIRED_FIELDS = { seller: FIELD_KEYS, complaint: ['name', 'phone', 'email'] };
export const SELLER_ONLY_FIELDS = ['businessName', 'productType', 'city', 'province'];
