/** The data the SOP asks from a seller applicant (section 1b), already validated and normalised. */
export interface ApplicantData {
  name: string;
  businessName: string;
  productType: string;
  city: string;
  province: string;
  /** E.164, e.g. +6281234567890 */
  phone: string;
  email: string;
}

/** Metadata of a stored, normalised photo (see src/media). */
export interface PhotoRef {
  sha256: string;
  bytes: number;
  width: number;
  height: number;
  mimeType: string;
  fileName: string;
}

/** The ITSM classification of a ticket: Call Type / Service Family / Service Group / Service Type. */
export interface Classification {
  callType: string;
  serviceFamily: string;
  serviceGroup: string;
  serviceType: string;
  /** Catalogue number (1-40) when the type comes from the Marketplace catalogue, else null. */
  catalogNumber: number | null;
}

/** What the dialog hands to the ticketing module once the applicant has confirmed. */
export interface TicketRequest {
  /**
   * One per confirmed application (the dialog generates it when the application starts).
   * Filing the same key twice returns the first filing: never two tickets for one application.
   */
  idempotencyKey: string;
  channel: string;
  conversationId: string;
  /** User name of the receiving officer: the bot's configured officer name, or the human agent. */
  officer: string;
  classification: Classification;
  applicant: ApplicantData;
  photo: PhotoRef | null;
  previousNumber: string | null;
  description: string | null;
}

export interface FiledTicket {
  itsmNumber: string;
  apktNumber: string;
}

export interface ApktView {
  number: string;
  category: string;
  complaintType: string;
  subType: string;
  status: string;
  itsmNumber: string;
}

/** A ticket as `GET /api/tickets/:number` returns it. */
export interface TicketView {
  number: string;
  callType: string;
  serviceFamily: string;
  serviceGroup: string;
  serviceType: string;
  catalogNumber: number | null;
  officer: string;
  channel: string;
  conversationId: string;
  applicant: ApplicantData;
  photo: PhotoRef | null;
  previousNumber: string | null;
  description: string | null;
  status: string;
  createdAt: string;
  apkt: ApktView | null;
}
