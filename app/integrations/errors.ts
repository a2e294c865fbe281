// A failed delivery to Flow or Klaviyo, and whether retrying can help (the notifications' classifier:
// 429, 408, 5xx and network errors are transient, other 4xx permanent).
import { classifyProviderError, type ErrorKind } from "../notifications/rules/retry";
import type { Destination } from "./rules/milestones";

export type IntegrationErrorKind = ErrorKind | "config";

export class IntegrationError extends Error {
  override name = "IntegrationError";
  readonly destination: Destination;
  readonly status: number | null;
  readonly kind: IntegrationErrorKind;
  /** No answer came back: the request may have been acted on. */
  readonly ambiguous: boolean;

  constructor(
    destination: Destination,
    message: string,
    info: { status?: number | null; code?: string | null; kind?: IntegrationErrorKind; ambiguous?: boolean } = {},
  ) {
    super(message);
    this.destination = destination;
    this.status = info.status ?? null;
    this.kind = info.kind ?? classifyProviderError({ status: this.status, code: info.code ?? null, message });
    this.ambiguous = info.ambiguous ?? (this.status === null && this.kind === "transient");
  }
}
