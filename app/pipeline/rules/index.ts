// The tracking domain's public surface: pure rules over plain data.
export * from "./types";
export {
  type StatusInfo,
  STATUS_LABELS,
  SUB_STATUS_LABELS,
  ORDER_SUB_STATUSES,
  statusInfo,
  subStatusLabel,
  subStatusRank,
  normalizeStatus,
  initialStage,
  initialSubStatus,
  isDeliveredSubStatus,
  needsAttentionSubStatus,
} from "./stages";
export {
  type OrderSummary,
  foldShipment,
  initialState,
  orderFacts,
  formatLocation,
  replayTransitions,
  transitionsBetween,
  summarizeOrder,
} from "./fold";
export {
  type CarrierInfo,
  CARRIER_NAMES,
  cleanTrackingNumber,
  detectCarrier,
  normalizeCarrierName,
  resolveCarrier,
  trackingUrlFor,
} from "./carriers";
