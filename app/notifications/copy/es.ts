import type { Messages } from "./types";

export const es: Messages = {
  locale: "es",
  email: {
    order_confirmed: {
      subject: (p) => `Pedido ${p.order} confirmado`,
      preheader: (p) => (p.window ? `Entrega estimada: ${p.window}` : `Gracias por comprar en ${p.shop}`),
      heading: () => "¡Gracias por su pedido!",
      body: (p) => [
        `Hemos recibido su pedido ${p.order} y lo estamos preparando.`,
        "Le avisaremos en cuanto se envíe. Puede seguir cada paso en su página de seguimiento.",
      ],
    },
    shipped: {
      subject: (p) => `Su pedido ${p.order} está en camino`,
      preheader: (p) => (p.window ? `Entrega estimada: ${p.window}` : "Siga su paquete hasta su puerta"),
      heading: () => "Su pedido ha sido enviado",
      body: (p) => [
        p.carrier
          ? `Buenas noticias: su pedido ${p.order} se ha enviado con ${p.carrier}.`
          : `Buenas noticias: su pedido ${p.order} se ha enviado.`,
      ],
    },
    in_transit_digest: {
      subject: (p) => `Novedades de su pedido ${p.order}`,
      preheader: (p) => (p.location ? `Último escaneo: ${p.location}` : "Su paquete está en camino"),
      heading: () => "Su paquete está en camino",
      body: (p) => [
        p.location
          ? `Estas son las últimas novedades de su pedido ${p.order}. Se escaneó por última vez en ${p.location}.`
          : `Estas son las últimas novedades de su pedido ${p.order}.`,
      ],
    },
    delayed: {
      subject: (p) => `Su pedido ${p.order} se ha retrasado`,
      preheader: (p) => (p.newEstimate ? `Nueva estimación: ${p.newEstimate}` : "Lo estamos vigilando"),
      heading: () => "Su entrega se está retrasando",
      body: (p) => [
        `Lo sentimos: su pedido ${p.order} está tardando más de lo previsto.`,
        "Lo estamos vigilando y le avisaremos cuando salga para entrega.",
      ],
    },
    out_for_delivery: {
      subject: (p) => `Su pedido ${p.order} está en reparto`,
      preheader: () => "Debería llegar hoy",
      heading: () => "Llega hoy",
      body: (p) => [`Su pedido ${p.order} está en reparto y debería llegar hoy.`],
    },
    delivered: {
      subject: (p) => `Su pedido ${p.order} ha sido entregado`,
      preheader: () => "Esperamos que le encante",
      heading: () => "¡Entregado!",
      body: (p) => [
        `Su pedido ${p.order} ha sido entregado. Esperamos que le encante.`,
        "¿No encuentra su paquete? Revise cerca de su puerta y pregunte a sus vecinos; después, póngase en contacto con nosotros.",
      ],
    },
    delivery_failed: {
      subject: (p) => `Acción necesaria: entrega del pedido ${p.order}`,
      preheader: () => "El transportista no pudo entregar su paquete",
      heading: () => "No pudimos entregar su paquete",
      body: (p) => [
        p.carrier
          ? `${p.carrier} intentó entregar su pedido ${p.order}, pero no lo logró.`
          : `El transportista intentó entregar su pedido ${p.order}, pero no lo logró.`,
        "Abra su página de seguimiento para ver qué ocurrió y qué hacer a continuación.",
      ],
    },
    shipped_early: {
      subject: (p) => `Buenas noticias: el pedido ${p.order} llega antes`,
      preheader: (p) => (p.newEstimate ? `Ahora previsto: ${p.newEstimate}` : "Su paquete va adelantado"),
      heading: () => "Antes de lo previsto",
      body: (p) => [`Su pedido ${p.order} avanza más rápido de lo esperado y debería llegar antes.`],
    },
    return_approved: {
      subject: (p) => `Su devolución del pedido ${p.order} ha sido aprobada`,
      preheader: () => "Así puede enviarnos los artículos",
      heading: () => "Devolución aprobada",
      body: (p) => [
        `Hemos aprobado su devolución del pedido ${p.order}.`,
        "Embale bien los artículos, pegue la etiqueta de devolución si la tiene y entregue el paquete al transportista.",
      ],
    },
    return_label: {
      subject: (p) => `Tu etiqueta de devolución del pedido ${p.order} está lista`,
      preheader: () => "Imprímela y entrega el paquete",
      heading: () => "Tu etiqueta de devolución está lista",
      body: (p) => [
        `La etiqueta de devolución del pedido ${p.order} está lista.`,
        "Imprímela, pégala en el paquete y entrega el paquete al transportista.",
      ],
    },
    return_received: {
      subject: (p) => `Hemos recibido su devolución del pedido ${p.order}`,
      preheader: () => "Su devolución ha llegado",
      heading: () => "Devolución recibida",
      body: (p) => [
        `Su devolución del pedido ${p.order} ha llegado. Le avisaremos en cuanto su reembolso esté en camino.`,
      ],
    },
    refund_issued: {
      subject: (p) => `Su reembolso del pedido ${p.order} está en camino`,
      preheader: (p) => (p.amount ? `Reembolso: ${p.amount}` : "Hemos emitido su reembolso"),
      heading: () => "Reembolso emitido",
      body: (p) => [
        p.amount
          ? `Hemos emitido un reembolso de ${p.amount} por el pedido ${p.order}.`
          : `Hemos emitido el reembolso del pedido ${p.order}.`,
        "Puede tardar unos días hábiles en aparecer en su extracto.",
      ],
    },
  },
  sms: {
    shipped: (p) => `${p.shop}: ¡su pedido ${p.order} ha sido enviado! Seguimiento: ${p.link}`,
    out_for_delivery: (p) => `${p.shop}: su pedido ${p.order} llega hoy. Seguimiento: ${p.link}`,
    delivery_failed: (p) => `${p.shop}: no pudimos entregar su pedido ${p.order}. Qué hacer: ${p.link}`,
    delayed: (p) =>
      p.date
        ? `${p.shop}: su pedido ${p.order} se ha retrasado. Nueva fecha prevista: ${p.date}. Detalles: ${p.link}`
        : `${p.shop}: su pedido ${p.order} se ha retrasado. Detalles: ${p.link}`,
  },
  smsOptOutHint: "Responda STOP para darse de baja.",
  labelSeparator: ": ",
  greeting: (name) => (name ? `Hola, ${name}:` : "Hola:"),
  trackButton: "Seguir mi pedido",
  carrierLink: (carrier) => (carrier ? `Ver en el sitio web de ${carrier}` : "Ver en el sitio web del transportista"),
  labels: {
    order: "Pedido",
    carrier: "Transportista",
    trackingNumber: "Número de seguimiento",
    estimatedDelivery: "Entrega estimada",
    newEstimate: "Nueva estimación",
    lastLocation: "Última ubicación",
    scans: "Últimas novedades",
    returnTracking: "Seguimiento de la devolución",
    refundAmount: "Reembolso",
  },
  delayReasons: {
    carrier: "El transportista informó de un retraso.",
    no_scan: "Su paquete no se ha escaneado en varios días.",
    estimate_passed: "Ya pasó la fecha de entrega estimada.",
    exception: "El transportista informó de un problema con el envío.",
  },
  returnLabelButton: "Imprimir la etiqueta de devolución",
  personalNoteHeading: (shop) => `Un mensaje de ${shop}`,
  footerReason: (shop) => `Recibe este correo porque hizo un pedido en ${shop}.`,
  help: "¿Necesita ayuda?",
  helpEmail: (email) => `¿Preguntas? Escriba a ${email}.`,
  unsubscribe: "Dejar de recibir avisos de envío",
};
