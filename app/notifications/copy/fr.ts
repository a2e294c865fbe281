import type { Messages } from "./types";

export const fr: Messages = {
  locale: "fr",
  email: {
    order_confirmed: {
      subject: (p) => `Commande ${p.order} confirmée`,
      preheader: (p) => (p.window ? `Livraison estimée : ${p.window}` : `Merci pour votre achat chez ${p.shop}`),
      heading: () => "Merci pour votre commande !",
      body: (p) => [
        `Nous avons bien reçu votre commande ${p.order} et nous la préparons.`,
        "Nous vous préviendrons dès son expédition. Vous pouvez suivre chaque étape sur votre page de suivi.",
      ],
    },
    shipped: {
      subject: (p) => `Votre commande ${p.order} est en route`,
      preheader: (p) => (p.window ? `Livraison estimée : ${p.window}` : "Suivez votre colis jusqu'à chez vous"),
      heading: () => "Votre commande a été expédiée",
      body: (p) => [
        p.carrier
          ? `Bonne nouvelle : votre commande ${p.order} a été expédiée avec ${p.carrier}.`
          : `Bonne nouvelle : votre commande ${p.order} a été expédiée.`,
      ],
    },
    in_transit_digest: {
      subject: (p) => `Du nouveau pour votre commande ${p.order}`,
      preheader: (p) => (p.location ? `Dernier passage : ${p.location}` : "Votre colis est en chemin"),
      heading: () => "Votre colis est en chemin",
      body: (p) => [
        p.location
          ? `Voici les dernières nouvelles de votre commande ${p.order}. Son dernier passage a été enregistré à ${p.location}.`
          : `Voici les dernières nouvelles de votre commande ${p.order}.`,
      ],
    },
    delayed: {
      subject: (p) => `Votre commande ${p.order} a du retard`,
      preheader: (p) =>
        p.newEstimate ? `Nouvelle estimation : ${p.newEstimate}` : "Nous suivons la situation de près",
      heading: () => "Votre livraison a du retard",
      body: (p) => [
        `Toutes nos excuses : votre commande ${p.order} prend plus de temps que prévu.`,
        "Nous suivons la situation et vous préviendrons dès qu'elle sera en cours de livraison.",
      ],
    },
    out_for_delivery: {
      subject: (p) => `Votre commande ${p.order} est en cours de livraison`,
      preheader: () => "Elle devrait arriver aujourd'hui",
      heading: () => "Livraison aujourd'hui",
      body: (p) => [`Votre commande ${p.order} est en cours de livraison et devrait arriver aujourd'hui.`],
    },
    delivered: {
      subject: (p) => `Votre commande ${p.order} a été livrée`,
      preheader: () => "Nous espérons qu'elle vous plaira",
      heading: () => "Livrée !",
      body: (p) => [
        `Votre commande ${p.order} a été livrée. Nous espérons qu'elle vous plaira.`,
        "Vous ne trouvez pas votre colis ? Vérifiez autour de votre porte et auprès de vos voisins, puis contactez-nous.",
      ],
    },
    delivery_failed: {
      subject: (p) => `Action requise : livraison de la commande ${p.order}`,
      preheader: () => "Le transporteur n'a pas pu livrer votre colis",
      heading: () => "Nous n'avons pas pu livrer votre colis",
      body: (p) => [
        p.carrier
          ? `${p.carrier} a tenté de livrer votre commande ${p.order}, sans succès.`
          : `Le transporteur a tenté de livrer votre commande ${p.order}, sans succès.`,
        "Ouvrez votre page de suivi pour savoir ce qui s'est passé et quoi faire ensuite.",
      ],
    },
    shipped_early: {
      subject: (p) => `Bonne nouvelle : la commande ${p.order} arrive en avance`,
      preheader: (p) => (p.newEstimate ? `Désormais prévue : ${p.newEstimate}` : "Votre colis est en avance"),
      heading: () => "En avance sur le programme",
      body: (p) => [`Votre commande ${p.order} avance plus vite que prévu et devrait arriver en avance.`],
    },
    return_approved: {
      subject: (p) => `Votre retour pour la commande ${p.order} est accepté`,
      preheader: () => "Voici comment nous renvoyer vos articles",
      heading: () => "Retour accepté",
      body: (p) => [
        `Nous avons accepté votre retour pour la commande ${p.order}.`,
        "Emballez soigneusement les articles, collez l'étiquette de retour si vous en avez une et déposez le colis auprès du transporteur.",
      ],
    },
    return_label: {
      subject: (p) => `Votre étiquette de retour pour la commande ${p.order} est prête`,
      preheader: () => "Imprimez-la et déposez le colis",
      heading: () => "Votre étiquette de retour est prête",
      body: (p) => [
        `L'étiquette de retour de la commande ${p.order} est prête.`,
        "Imprimez-la, collez-la sur le colis et déposez le colis auprès du transporteur.",
      ],
    },
    return_received: {
      subject: (p) => `Nous avons reçu votre retour pour la commande ${p.order}`,
      preheader: () => "Votre retour est arrivé",
      heading: () => "Retour reçu",
      body: (p) => [
        `Votre retour pour la commande ${p.order} est arrivé. Nous vous préviendrons dès que votre remboursement sera en route.`,
      ],
    },
    refund_issued: {
      subject: (p) => `Votre remboursement pour la commande ${p.order} est en route`,
      preheader: (p) => (p.amount ? `Remboursement : ${p.amount}` : "Votre remboursement a été effectué"),
      heading: () => "Remboursement effectué",
      body: (p) => [
        p.amount
          ? `Nous avons effectué un remboursement de ${p.amount} pour la commande ${p.order}.`
          : `Nous avons effectué le remboursement de la commande ${p.order}.`,
        "Il peut falloir quelques jours ouvrés pour qu'il apparaisse sur votre relevé.",
      ],
    },
  },
  sms: {
    shipped: (p) => `${p.shop} : votre commande ${p.order} a été expédiée ! Suivi : ${p.link}`,
    out_for_delivery: (p) => `${p.shop} : votre commande ${p.order} sera livrée aujourd'hui. Suivi : ${p.link}`,
    delivery_failed: (p) => `${p.shop} : la livraison de votre commande ${p.order} a échoué. Que faire : ${p.link}`,
    delayed: (p) =>
      p.date
        ? `${p.shop} : votre commande ${p.order} a du retard. Nouvelle estimation : ${p.date}. Détails : ${p.link}`
        : `${p.shop} : votre commande ${p.order} a du retard. Détails : ${p.link}`,
  },
  smsOptOutHint: "Répondez STOP pour vous désinscrire.",
  labelSeparator: " : ",
  greeting: (name) => (name ? `Bonjour ${name},` : "Bonjour,"),
  trackButton: "Suivre ma commande",
  carrierLink: (carrier) => (carrier ? `Voir sur le site de ${carrier}` : "Voir sur le site du transporteur"),
  labels: {
    order: "Commande",
    carrier: "Transporteur",
    trackingNumber: "Numéro de suivi",
    estimatedDelivery: "Livraison estimée",
    newEstimate: "Nouvelle estimation",
    lastLocation: "Dernière position",
    scans: "Dernières mises à jour",
    returnTracking: "Suivi du retour",
    refundAmount: "Remboursement",
  },
  delayReasons: {
    carrier: "Le transporteur a signalé un retard.",
    no_scan: "Votre colis n'a pas été scanné depuis quelques jours.",
    estimate_passed: "La date de livraison estimée est dépassée.",
    exception: "Le transporteur a signalé un problème avec l'envoi.",
  },
  returnLabelButton: "Imprimer l'étiquette de retour",
  personalNoteHeading: (shop) => `Un mot de ${shop}`,
  footerReason: (shop) => `Vous recevez cet e-mail parce que vous avez passé commande chez ${shop}.`,
  help: "Besoin d'aide ?",
  helpEmail: (email) => `Des questions ? Écrivez à ${email}.`,
  unsubscribe: "Ne plus recevoir les suivis de livraison",
};
