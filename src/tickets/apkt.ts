/**
 * SOP section 1e: how the case is recorded in APKT, closed at CC123. `category` is the
 * "Gangguan / Keluhan" field (a complaint, not an outage).
 */
export const APKT_CATEGORY = 'Keluhan';
export const APKT_COMPLAINT_TYPE = 'Informasi';
export const APKT_SUB_TYPE = 'Umum';
export const APKT_STATUS_CLOSED = 'Closed - CC123';

export const APKT_CLASSIFICATION = Object.freeze({
  category: APKT_CATEGORY,
  complaintType: APKT_COMPLAINT_TYPE,
  subType: APKT_SUB_TYPE,
  status: APKT_STATUS_CLOSED,
});
