export { renderEmail, composeEmail, type RenderedEmail } from "./email";
export { renderSms, type RenderedSms, type SmsOptions } from "./sms";
export { previewContext, type PreviewShop } from "./preview";
export { countSegments, isGsm7, toGsm7, type SegmentInfo, type SmsEncoding } from "./gsm";
export { escapeHtml, safeUrl } from "../../lib/html";
export {
  DEFAULT_BRANDING,
  type Branding,
  type DateWindow,
  type DelayReason,
  type MessageContext,
  type Scan,
} from "./context";
