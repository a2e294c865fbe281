import type { Messages } from "./types";

export const de: Messages = {
  locale: "de",
  email: {
    order_confirmed: {
      subject: (p) => `Bestellung ${p.order} bestätigt`,
      preheader: (p) =>
        p.window ? `Voraussichtliche Lieferung: ${p.window}` : `Danke für Ihren Einkauf bei ${p.shop}`,
      heading: () => "Vielen Dank für Ihre Bestellung!",
      body: (p) => [
        `Wir haben Ihre Bestellung ${p.order} erhalten und bereiten sie jetzt vor.`,
        "Wir benachrichtigen Sie, sobald sie versandt wird. Jeden Schritt sehen Sie auf Ihrer Sendungsverfolgungsseite.",
      ],
    },
    shipped: {
      subject: (p) => `Ihre Bestellung ${p.order} ist unterwegs`,
      preheader: (p) =>
        p.window ? `Voraussichtliche Lieferung: ${p.window}` : "Verfolgen Sie Ihr Paket auf dem Weg zu Ihnen",
      heading: () => "Ihre Bestellung wurde versandt",
      body: (p) => [
        p.carrier
          ? `Gute Nachricht: Ihre Bestellung ${p.order} wurde mit ${p.carrier} versandt.`
          : `Gute Nachricht: Ihre Bestellung ${p.order} wurde versandt.`,
      ],
    },
    in_transit_digest: {
      subject: (p) => `Neuigkeiten zu Ihrer Bestellung ${p.order}`,
      preheader: (p) => (p.location ? `Letzter Scan: ${p.location}` : "Ihr Paket ist unterwegs"),
      heading: () => "Ihr Paket ist unterwegs",
      body: (p) => [
        p.location
          ? `Hier ist der aktuelle Stand Ihrer Bestellung ${p.order}. Zuletzt wurde sie in ${p.location} gescannt.`
          : `Hier ist der aktuelle Stand Ihrer Bestellung ${p.order}.`,
      ],
    },
    delayed: {
      subject: (p) => `Ihre Bestellung ${p.order} verspätet sich`,
      preheader: (p) => (p.newEstimate ? `Neue Schätzung: ${p.newEstimate}` : "Wir behalten sie im Blick"),
      heading: () => "Ihre Lieferung verspätet sich",
      body: (p) => [
        `Es tut uns leid: Ihre Bestellung ${p.order} braucht länger als erwartet.`,
        "Wir behalten sie im Blick und melden uns, sobald sie in Zustellung ist.",
      ],
    },
    out_for_delivery: {
      subject: (p) => `Ihre Bestellung ${p.order} ist in Zustellung`,
      preheader: () => "Sie sollte heute ankommen",
      heading: () => "Heute bei Ihnen",
      body: (p) => [`Ihre Bestellung ${p.order} ist in Zustellung und sollte heute ankommen.`],
    },
    delivered: {
      subject: (p) => `Ihre Bestellung ${p.order} wurde zugestellt`,
      preheader: () => "Wir hoffen, sie gefällt Ihnen",
      heading: () => "Zugestellt!",
      body: (p) => [
        `Ihre Bestellung ${p.order} wurde zugestellt. Wir hoffen, sie gefällt Ihnen.`,
        "Sie finden Ihr Paket nicht? Sehen Sie vor Ihrer Tür und bei Ihren Nachbarn nach und melden Sie sich dann bei uns.",
      ],
    },
    delivery_failed: {
      subject: (p) => `Handlung erforderlich: Zustellung der Bestellung ${p.order}`,
      preheader: () => "Der Versanddienstleister konnte Ihr Paket nicht zustellen",
      heading: () => "Wir konnten Ihr Paket nicht zustellen",
      body: (p) => [
        p.carrier
          ? `${p.carrier} hat versucht, Ihre Bestellung ${p.order} zuzustellen, leider ohne Erfolg.`
          : `Der Versanddienstleister hat versucht, Ihre Bestellung ${p.order} zuzustellen, leider ohne Erfolg.`,
        "Auf Ihrer Sendungsverfolgungsseite sehen Sie, was passiert ist und wie es weitergeht.",
      ],
    },
    shipped_early: {
      subject: (p) => `Gute Nachricht: Bestellung ${p.order} kommt früher`,
      preheader: (p) => (p.newEstimate ? `Jetzt erwartet: ${p.newEstimate}` : "Ihr Paket ist früher dran"),
      heading: () => "Früher als geplant",
      body: (p) => [`Ihre Bestellung ${p.order} ist schneller unterwegs als erwartet und sollte früher ankommen.`],
    },
    return_approved: {
      subject: (p) => `Ihre Rücksendung für Bestellung ${p.order} wurde genehmigt`,
      preheader: () => "So senden Sie Ihre Artikel zurück",
      heading: () => "Rücksendung genehmigt",
      body: (p) => [
        `Wir haben Ihre Rücksendung für Bestellung ${p.order} genehmigt.`,
        "Verpacken Sie die Artikel sicher, bringen Sie das Rücksendeetikett an, falls vorhanden, und geben Sie das Paket beim Versanddienstleister ab.",
      ],
    },
    return_label: {
      subject: (p) => `Ihr Rücksendeetikett für die Bestellung ${p.order} ist bereit`,
      preheader: () => "Drucken Sie es aus und geben Sie das Paket ab",
      heading: () => "Ihr Rücksendeetikett ist bereit",
      body: (p) => [
        `Das Rücksendeetikett für die Bestellung ${p.order} ist bereit.`,
        "Drucken Sie es aus, kleben Sie es auf das Paket und geben Sie das Paket beim Versanddienstleister ab.",
      ],
    },
    return_received: {
      subject: (p) => `Wir haben Ihre Rücksendung für Bestellung ${p.order} erhalten`,
      preheader: () => "Ihre Rücksendung ist angekommen",
      heading: () => "Rücksendung erhalten",
      body: (p) => [
        `Ihre Rücksendung für Bestellung ${p.order} ist bei uns angekommen. Wir melden uns, sobald Ihre Erstattung unterwegs ist.`,
      ],
    },
    refund_issued: {
      subject: (p) => `Ihre Erstattung für Bestellung ${p.order} ist unterwegs`,
      preheader: (p) => (p.amount ? `Erstattung: ${p.amount}` : "Ihre Erstattung wurde veranlasst"),
      heading: () => "Erstattung veranlasst",
      body: (p) => [
        p.amount
          ? `Wir haben ${p.amount} für Bestellung ${p.order} erstattet.`
          : `Wir haben die Erstattung für Bestellung ${p.order} veranlasst.`,
        "Es kann einige Werktage dauern, bis sie auf Ihrem Kontoauszug erscheint.",
      ],
    },
  },
  sms: {
    shipped: (p) => `${p.shop}: Ihre Bestellung ${p.order} wurde versandt! Verfolgen: ${p.link}`,
    out_for_delivery: (p) => `${p.shop}: Ihre Bestellung ${p.order} wird heute zugestellt. Verfolgen: ${p.link}`,
    delivery_failed: (p) =>
      `${p.shop}: Zustellung Ihrer Bestellung ${p.order} fehlgeschlagen. Nächste Schritte: ${p.link}`,
    delayed: (p) =>
      p.date
        ? `${p.shop}: Ihre Bestellung ${p.order} verspätet sich. Neue Schätzung: ${p.date}. Details: ${p.link}`
        : `${p.shop}: Ihre Bestellung ${p.order} verspätet sich. Details: ${p.link}`,
  },
  smsOptOutHint: "Antworten Sie STOP zum Abmelden.",
  labelSeparator: ": ",
  greeting: (name) => (name ? `Hallo ${name},` : "Hallo,"),
  trackButton: "Bestellung verfolgen",
  carrierLink: (carrier) =>
    carrier ? `Auf der Website von ${carrier} ansehen` : "Auf der Website des Versanddienstleisters ansehen",
  labels: {
    order: "Bestellung",
    carrier: "Versanddienstleister",
    trackingNumber: "Sendungsnummer",
    estimatedDelivery: "Voraussichtliche Lieferung",
    newEstimate: "Neue Schätzung",
    lastLocation: "Letzter Standort",
    scans: "Letzte Aktualisierungen",
    returnTracking: "Sendungsnummer der Rücksendung",
    refundAmount: "Erstattung",
  },
  delayReasons: {
    carrier: "Der Versanddienstleister hat eine Verzögerung gemeldet.",
    no_scan: "Ihr Paket wurde seit einigen Tagen nicht gescannt.",
    estimate_passed: "Das voraussichtliche Lieferdatum ist überschritten.",
    exception: "Der Versanddienstleister hat ein Problem mit der Sendung gemeldet.",
  },
  returnLabelButton: "Rücksendeetikett drucken",
  personalNoteHeading: (shop) => `Eine Nachricht von ${shop}`,
  footerReason: (shop) => `Sie erhalten diese E-Mail, weil Sie bei ${shop} bestellt haben.`,
  help: "Brauchen Sie Hilfe?",
  helpEmail: (email) => `Fragen? Schreiben Sie an ${email}.`,
  unsubscribe: "Keine Versand-Updates mehr erhalten",
};
