import type { Messages } from "./types";

export const en: Messages = {
  locale: "en",
  email: {
    order_confirmed: {
      subject: (p) => `Order ${p.order} confirmed`,
      preheader: (p) => (p.window ? `Estimated delivery: ${p.window}` : `Thanks for shopping with ${p.shop}`),
      heading: () => "Thanks for your order!",
      body: (p) => [
        `We've received your order ${p.order} and we're getting it ready.`,
        "We'll let you know as soon as it ships. You can follow every step on your tracking page.",
      ],
    },
    shipped: {
      subject: (p) => `Your order ${p.order} is on its way`,
      preheader: (p) => (p.window ? `Estimated delivery: ${p.window}` : "Follow your package on its way to you"),
      heading: () => "Your order has shipped",
      body: (p) => [
        p.carrier
          ? `Good news: your order ${p.order} has shipped with ${p.carrier}.`
          : `Good news: your order ${p.order} has shipped.`,
      ],
    },
    in_transit_digest: {
      subject: (p) => `Update on your order ${p.order}`,
      preheader: (p) => (p.location ? `Latest scan: ${p.location}` : "Your package is on the move"),
      heading: () => "Your package is on the move",
      body: (p) => [
        p.location
          ? `Here's the latest on your order ${p.order}. It was last scanned in ${p.location}.`
          : `Here's the latest on your order ${p.order}.`,
      ],
    },
    delayed: {
      subject: (p) => `Your order ${p.order} is delayed`,
      preheader: (p) => (p.newEstimate ? `New estimate: ${p.newEstimate}` : "We're keeping an eye on it"),
      heading: () => "Your delivery is running late",
      body: (p) => [
        `We're sorry: your order ${p.order} is taking longer than expected.`,
        "We're keeping an eye on it and will let you know when it's out for delivery.",
      ],
    },
    out_for_delivery: {
      subject: (p) => `Your order ${p.order} is out for delivery`,
      preheader: () => "It should arrive today",
      heading: () => "Arriving today",
      body: (p) => [`Your order ${p.order} is out for delivery and should arrive today.`],
    },
    delivered: {
      subject: (p) => `Your order ${p.order} was delivered`,
      preheader: () => "We hope you love it",
      heading: () => "Delivered!",
      body: (p) => [
        `Your order ${p.order} has been delivered. We hope you love it.`,
        "Can't find your package? Check around your door and with your neighbours, then get in touch.",
      ],
    },
    delivery_failed: {
      subject: (p) => `Action needed: delivery of order ${p.order}`,
      preheader: () => "The carrier couldn't deliver your package",
      heading: () => "We couldn't deliver your package",
      body: (p) => [
        p.carrier
          ? `${p.carrier} tried to deliver your order ${p.order} but couldn't.`
          : `The carrier tried to deliver your order ${p.order} but couldn't.`,
        "Open your tracking page to see what happened and what to do next.",
      ],
    },
    shipped_early: {
      subject: (p) => `Good news: order ${p.order} is arriving early`,
      preheader: (p) => (p.newEstimate ? `Now expected: ${p.newEstimate}` : "Your package is ahead of schedule"),
      heading: () => "Ahead of schedule",
      body: (p) => [`Your order ${p.order} is moving faster than expected and should arrive early.`],
    },
    return_approved: {
      subject: (p) => `Your return for order ${p.order} is approved`,
      preheader: () => "Here's how to send it back",
      heading: () => "Return approved",
      body: (p) => [
        `We've approved your return for order ${p.order}.`,
        "Pack the items securely, attach the return label if you have one, and drop the package off with the carrier.",
      ],
    },
    return_label: {
      subject: (p) => `Your return label for order ${p.order} is ready`,
      preheader: () => "Print it and drop the package off",
      heading: () => "Your return label is ready",
      body: (p) => [
        `The return label for order ${p.order} is ready.`,
        "Print it, attach it to the package, and drop the package off with the carrier.",
      ],
    },
    return_received: {
      subject: (p) => `We've received your return for order ${p.order}`,
      preheader: () => "Your return has arrived",
      heading: () => "Return received",
      body: (p) => [
        `Your return for order ${p.order} has arrived. We'll let you know as soon as your refund is on its way.`,
      ],
    },
    refund_issued: {
      subject: (p) => `Your refund for order ${p.order} is on its way`,
      preheader: (p) => (p.amount ? `Refund: ${p.amount}` : "Your refund has been issued"),
      heading: () => "Refund issued",
      body: (p) => [
        p.amount
          ? `We've issued a refund of ${p.amount} for order ${p.order}.`
          : `We've issued a refund for order ${p.order}.`,
        "It can take a few business days to appear on your statement.",
      ],
    },
  },
  sms: {
    shipped: (p) => `${p.shop}: your order ${p.order} has shipped! Track it: ${p.link}`,
    out_for_delivery: (p) => `${p.shop}: your order ${p.order} is out for delivery today. Track it: ${p.link}`,
    delivery_failed: (p) => `${p.shop}: delivery of your order ${p.order} failed. See what to do next: ${p.link}`,
    delayed: (p) =>
      p.date
        ? `${p.shop}: your order ${p.order} is delayed. New estimate: ${p.date}. Details: ${p.link}`
        : `${p.shop}: your order ${p.order} is delayed. Details: ${p.link}`,
  },
  smsOptOutHint: "Reply STOP to opt out.",
  labelSeparator: ": ",
  greeting: (name) => (name ? `Hi ${name},` : "Hello,"),
  trackButton: "Track your order",
  carrierLink: (carrier) => (carrier ? `View on the ${carrier} website` : "View on the carrier's website"),
  labels: {
    order: "Order",
    carrier: "Carrier",
    trackingNumber: "Tracking number",
    estimatedDelivery: "Estimated delivery",
    newEstimate: "New estimate",
    lastLocation: "Last location",
    scans: "Latest updates",
    returnTracking: "Return tracking",
    refundAmount: "Refund",
  },
  delayReasons: {
    carrier: "The carrier reported a delay.",
    no_scan: "Your package hasn't been scanned for a few days.",
    estimate_passed: "It has passed its estimated delivery date.",
    exception: "The carrier reported a problem with the shipment.",
  },
  returnLabelButton: "Print your return label",
  personalNoteHeading: (shop) => `A note from ${shop}`,
  footerReason: (shop) => `You're receiving this email because you placed an order with ${shop}.`,
  help: "Need help?",
  helpEmail: (email) => `Questions? Write to ${email}.`,
  unsubscribe: "Stop shipping updates",
};
