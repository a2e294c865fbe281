// Shopper-facing status words in the storefront's language. English comes from the tracking domain
// (app/pipeline/rules/stages.ts: statusInfo().label, subStatusLabel()); fr, de and es are translated here,
// key for key, and anything without a translation falls back to English (never to a code).
import { resolveLocale, type Locale } from "../../notifications/copy";
import { statusInfo, subStatusLabel, SUB_STATUS_LABELS, STATUS_LABELS } from "../../pipeline/rules/stages";
import type { ShipmentKind } from "../../pipeline/rules/types";

type Table = Readonly<Record<string, string>>;

const SUB_STATUS: Record<Exclude<Locale, "en">, Table> = {
  fr: {
    confirmed: "Commande confirmée",
    label_created: "Étiquette créée",
    in_transit: "En transit",
    ready_for_pickup: "Prêt à être retiré",
    out_for_delivery: "En cours de livraison",
    attempted_delivery: "Tentative de livraison",
    failure: "Problème de livraison",
    delivered: "Livré",
    picked_up: "Retiré",
    cancelled: "Annulé",
    return_requested: "Retour demandé",
    return_approved: "Retour approuvé",
    return_label_created: "Étiquette de retour créée",
    return_in_transit: "Retour en chemin",
    return_received: "Retour reçu",
    return_disposed: "Retour reçu",
    return_closed: "Retour clôturé",
    refunded: "Remboursement effectué",
    declined: "Retour refusé",
    partially_fulfilled: "Partiellement expédié",
    partially_delivered: "Partiellement livré",
  },
  de: {
    confirmed: "Bestellung bestätigt",
    label_created: "Versandetikett erstellt",
    in_transit: "Unterwegs",
    ready_for_pickup: "Abholbereit",
    out_for_delivery: "In Zustellung",
    attempted_delivery: "Zustellversuch",
    failure: "Zustellproblem",
    delivered: "Zugestellt",
    picked_up: "Abgeholt",
    cancelled: "Storniert",
    return_requested: "Rücksendung angefragt",
    return_approved: "Rücksendung genehmigt",
    return_label_created: "Rücksendeetikett erstellt",
    return_in_transit: "Rücksendung unterwegs",
    return_received: "Rücksendung erhalten",
    return_disposed: "Rücksendung erhalten",
    return_closed: "Rücksendung abgeschlossen",
    refunded: "Erstattung veranlasst",
    declined: "Rücksendung abgelehnt",
    partially_fulfilled: "Teilweise versendet",
    partially_delivered: "Teilweise zugestellt",
  },
  es: {
    confirmed: "Pedido confirmado",
    label_created: "Etiqueta creada",
    in_transit: "En tránsito",
    ready_for_pickup: "Listo para recoger",
    out_for_delivery: "En reparto",
    attempted_delivery: "Intento de entrega",
    failure: "Problema con la entrega",
    delivered: "Entregado",
    picked_up: "Recogido",
    cancelled: "Cancelado",
    return_requested: "Devolución solicitada",
    return_approved: "Devolución aprobada",
    return_label_created: "Etiqueta de devolución creada",
    return_in_transit: "Devolución en camino",
    return_received: "Devolución recibida",
    return_disposed: "Devolución recibida",
    return_closed: "Devolución cerrada",
    refunded: "Reembolso emitido",
    declined: "Devolución rechazada",
    partially_fulfilled: "Enviado parcialmente",
    partially_delivered: "Entregado parcialmente",
  },
};

const STATUS: Record<Exclude<Locale, "en">, Table> = {
  fr: {
    order_created: "Commande confirmée",
    fulfillment_pending: "En préparation pour l'expédition",
    fulfillment_open: "En préparation pour l'expédition",
    fulfillment_success: "Emballé avec une étiquette d'expédition",
    fulfillment_cancelled: "Expédition annulée",
    fulfillment_error: "Expédition annulée",
    fulfillment_failure: "Expédition annulée",
    label_purchased: "Étiquette d'expédition créée",
    label_printed: "Étiquette d'expédition imprimée",
    confirmed: "Le transporteur a reçu les informations du colis",
    delayed: "Retard en transit",
    carrier_picked_up: "Pris en charge par le transporteur",
    in_transit: "En route",
    ready_for_pickup: "Prêt à être retiré",
    out_for_delivery: "En cours de livraison",
    attempted_delivery: "Tentative de livraison",
    failure: "Problème de livraison : le transporteur doit intervenir",
    delivered: "Livré",
    picked_up: "Retiré",
    return_requested: "Retour demandé",
    return_approved: "Retour approuvé",
    return_label_created: "Étiquette de retour créée",
    return_in_transit: "Retour en chemin",
    return_received: "Retour reçu",
    return_disposed: "Retour reçu",
    return_closed: "Retour clôturé",
    refund_issued: "Remboursement effectué",
    return_declined: "Retour refusé",
    return_cancelled: "Retour annulé",
  },
  de: {
    order_created: "Bestellung bestätigt",
    fulfillment_pending: "Wird für den Versand vorbereitet",
    fulfillment_open: "Wird für den Versand vorbereitet",
    fulfillment_success: "Verpackt, Versandetikett erstellt",
    fulfillment_cancelled: "Sendung storniert",
    fulfillment_error: "Sendung storniert",
    fulfillment_failure: "Sendung storniert",
    label_purchased: "Versandetikett erstellt",
    label_printed: "Versandetikett gedruckt",
    confirmed: "Sendungsdaten an den Versanddienstleister übermittelt",
    delayed: "Verzögerung auf dem Transportweg",
    carrier_picked_up: "Vom Versanddienstleister abgeholt",
    in_transit: "Unterwegs",
    ready_for_pickup: "Abholbereit",
    out_for_delivery: "In Zustellung",
    attempted_delivery: "Zustellversuch",
    failure: "Zustellproblem: der Versanddienstleister kümmert sich",
    delivered: "Zugestellt",
    picked_up: "Abgeholt",
    return_requested: "Rücksendung angefragt",
    return_approved: "Rücksendung genehmigt",
    return_label_created: "Rücksendeetikett erstellt",
    return_in_transit: "Rücksendung unterwegs",
    return_received: "Rücksendung erhalten",
    return_disposed: "Rücksendung erhalten",
    return_closed: "Rücksendung abgeschlossen",
    refund_issued: "Erstattung veranlasst",
    return_declined: "Rücksendung abgelehnt",
    return_cancelled: "Rücksendung storniert",
  },
  es: {
    order_created: "Pedido confirmado",
    fulfillment_pending: "Preparando el envío",
    fulfillment_open: "Preparando el envío",
    fulfillment_success: "Empaquetado con etiqueta de envío",
    fulfillment_cancelled: "Envío cancelado",
    fulfillment_error: "Envío cancelado",
    fulfillment_failure: "Envío cancelado",
    label_purchased: "Etiqueta de envío creada",
    label_printed: "Etiqueta de envío impresa",
    confirmed: "El transportista tiene los datos del envío",
    delayed: "Retraso en tránsito",
    carrier_picked_up: "Recogido por el transportista",
    in_transit: "En camino",
    ready_for_pickup: "Listo para recoger",
    out_for_delivery: "En reparto",
    attempted_delivery: "Intento de entrega",
    failure: "Problema con la entrega: el transportista debe intervenir",
    delivered: "Entregado",
    picked_up: "Recogido",
    return_requested: "Devolución solicitada",
    return_approved: "Devolución aprobada",
    return_label_created: "Etiqueta de devolución creada",
    return_in_transit: "Devolución en camino",
    return_received: "Devolución recibida",
    return_disposed: "Devolución recibida",
    return_closed: "Devolución cerrada",
    refund_issued: "Reembolso emitido",
    return_declined: "Devolución rechazada",
    return_cancelled: "Devolución cancelada",
  },
};

const UPDATE: Record<Locale, string> = { en: "Update", fr: "Mise à jour", de: "Aktualisierung", es: "Actualización" };

/** The storefront language for a locale tag ("fr-CA" → "fr"); English when unsupported. */
export function storefrontLocale(raw: string | null | undefined): Locale {
  return resolveLocale(raw);
}

/** A shipment's or order's sub-status in plain words. */
export function subStatusText(subStatus: string, locale: Locale): string {
  if (locale !== "en") {
    const t = SUB_STATUS[locale][subStatus];
    if (t) return t;
  }
  if (SUB_STATUS_LABELS[subStatus] || locale === "en") return subStatusLabel(subStatus);
  return unknownText(subStatus, locale);
}

/** A timeline event's raw status in plain words (return carrier scans read in the return's terms). */
export function eventStatusText(status: string, kind: ShipmentKind, locale: Locale): string {
  const info = statusInfo(status, kind);
  if (!info.known) return unknownText(info.status, locale);
  if (locale === "en") return info.label;
  // On a return shipment a carrier scan is described by the return sub-status it shows.
  if (info.subStatus && info.label !== STATUS_LABELS[info.status]) {
    return subStatusText(info.subStatus, locale);
  }
  return STATUS[locale][info.status] ?? info.label;
}

function unknownText(status: string, locale: Locale): string {
  const words = status.replace(/[_-]+/g, " ").trim();
  return words ? `${UPDATE[locale]}: ${words}` : UPDATE[locale];
}
