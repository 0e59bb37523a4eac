import { slugify } from "./format";
import { IdAllocator } from "./ids";
import { Prng } from "./prng";
import type {
  AddressRecord,
  CheckoutLineItemRecord,
  CheckoutRecord,
  CurrencyCode,
  CustomerRecord,
  EmailMarketingState,
  FulfillmentRecord,
  LineItemRecord,
  OrderFinancialStatus,
  OrderFulfillmentStatus,
  OrderRecord,
  ProductRecord,
  ShopPolicyRecord,
  ShopRecord,
  SmsMarketingState,
  TrackingInfoRecord,
} from "./types";

/**
 * Builds a realistic shop from a seed: settings and policies, a catalogue, customers whose purchases follow a
 * BG/NBD-like process (Fader, Hardie & Lee 2005: while "alive" a customer buys at their own Poisson rate, and after
 * each purchase drops out with their own probability), their orders with fulfillments and tracking, and a handful of
 * checkouts abandoned in the last day. Same options -> identical data; nothing reads the wall clock.
 */
export interface SeedOptions {
  seed?: number;
  shop?: string;
  /** The store's "today": orders cover the 18 months before it, abandoned checkouts the last day. */
  now?: Date;
  name?: string;
  currency?: CurrencyCode;
  /** How many customers to create (prospects included). Default: 1,150-1,250 depending on the seed. */
  customers?: number;
}

export interface SeedData {
  shop: ShopRecord;
  products: ProductRecord[];
  customers: CustomerRecord[];
  orders: OrderRecord[];
  checkouts: CheckoutRecord[];
}

export interface SeededShop {
  data: SeedData;
  /** The generator's state after seeding, so records created later (tests, the demo) continue the same sequence. */
  prng: Prng;
  ids: IdAllocator;
  nextOrderNumber: number;
}

export const DEFAULT_SEED = 42;
export const DEFAULT_SHOP = "kindly-demo.myshopify.com";
export const DEFAULT_NOW = new Date("2026-11-24T12:00:00Z");
export const HISTORY_DAYS = 548; // 18 months

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

// ---------------------------------------------------------------------------------------------------------------
// Reference data: a small coffee-and-homeware shop, customers in Europe and North America, English and French.
// Phone numbers come only from ranges reserved for fiction (US/CA 555-01xx, UK 07700 900xxx, FR 06 39 98 xx xx,
// AU 0491 570 xxx), e-mails only from example.com/.net/.org, so nothing generated here can reach a real person.
// ---------------------------------------------------------------------------------------------------------------

interface CatalogueEntry {
  title: string;
  vendor: string;
  productType: string;
  /** Variant titles and their prices in the shop currency's minor units. */
  variants: Array<[string, number, number]>; // [title, cents, grams]
  /** Relative popularity. */
  weight: number;
}

const CATALOGUE: CatalogueEntry[] = [
  {
    title: "House Blend Coffee Beans",
    vendor: "Kindly Roasters",
    productType: "Coffee",
    weight: 14,
    variants: [
      ["250 g", 1190, 250],
      ["1 kg", 3990, 1000],
    ],
  },
  {
    title: "Ethiopia Yirgacheffe",
    vendor: "Kindly Roasters",
    productType: "Coffee",
    weight: 9,
    variants: [
      ["250 g", 1490, 250],
      ["1 kg", 4990, 1000],
    ],
  },
  {
    title: "Colombia Huila Decaf",
    vendor: "Kindly Roasters",
    productType: "Coffee",
    weight: 5,
    variants: [["250 g", 1390, 250]],
  },
  {
    title: "Espresso Dolce",
    vendor: "Kindly Roasters",
    productType: "Coffee",
    weight: 10,
    variants: [
      ["250 g", 1290, 250],
      ["1 kg", 4290, 1000],
    ],
  },
  {
    title: "Ceramic Pour-Over Dripper",
    vendor: "Atelier Grès",
    productType: "Brewing",
    weight: 5,
    variants: [
      ["Sand", 3200, 420],
      ["Charcoal", 3200, 420],
    ],
  },
  {
    title: "Glass Carafe 600 ml",
    vendor: "Atelier Grès",
    productType: "Brewing",
    weight: 3,
    variants: [["Default Title", 2800, 380]],
  },
  {
    title: "Paper Filters (100)",
    vendor: "Kindly Roasters",
    productType: "Brewing",
    weight: 8,
    variants: [["Size 02", 650, 120]],
  },
  {
    title: "Stoneware Mug",
    vendor: "Atelier Grès",
    productType: "Tableware",
    weight: 7,
    variants: [
      ["Oat", 2200, 350],
      ["Moss", 2200, 350],
      ["Ink", 2200, 350],
    ],
  },
  {
    title: "Espresso Cups (set of 2)",
    vendor: "Atelier Grès",
    productType: "Tableware",
    weight: 3,
    variants: [["White", 2600, 300]],
  },
  {
    title: "Burr Hand Grinder",
    vendor: "Mill & Co",
    productType: "Brewing",
    weight: 2,
    variants: [["Default Title", 8900, 650]],
  },
  {
    title: "Gooseneck Kettle",
    vendor: "Mill & Co",
    productType: "Brewing",
    weight: 2,
    variants: [
      ["Matte Black", 6900, 900],
      ["Steel", 6900, 900],
    ],
  },
  {
    title: "Linen Tea Towel",
    vendor: "Maison Lin",
    productType: "Textiles",
    weight: 3,
    variants: [
      ["Natural", 1800, 120],
      ["Rust", 1800, 120],
    ],
  },
  {
    title: "Barista Apron",
    vendor: "Maison Lin",
    productType: "Textiles",
    weight: 2,
    variants: [
      ["S/M", 4500, 300],
      ["L/XL", 4500, 320],
    ],
  },
  {
    title: "Earl Grey Loose Tea",
    vendor: "Kindly Roasters",
    productType: "Tea",
    weight: 5,
    variants: [["100 g", 990, 100]],
  },
  {
    title: "Sencha Green Tea",
    vendor: "Kindly Roasters",
    productType: "Tea",
    weight: 4,
    variants: [["100 g", 1190, 100]],
  },
  {
    title: "Chai Spice Blend",
    vendor: "Kindly Roasters",
    productType: "Tea",
    weight: 3,
    variants: [["100 g", 1090, 100]],
  },
  { title: "Cold Brew Bottle", vendor: "Mill & Co", productType: "Brewing", weight: 2, variants: [["1 L", 3400, 700]] },
  {
    title: "Coffee Subscription Gift Card",
    vendor: "Kindly Roasters",
    productType: "Gift card",
    weight: 2,
    variants: [
      ["3 months", 3600, 0],
      ["6 months", 6900, 0],
    ],
  },
  {
    title: "Oak Serving Tray",
    vendor: "Atelier Grès",
    productType: "Tableware",
    weight: 1,
    variants: [["Default Title", 5400, 1100]],
  },
  {
    title: "Beeswax Candle",
    vendor: "Maison Lin",
    productType: "Home",
    weight: 3,
    variants: [
      ["Small", 1600, 200],
      ["Large", 2900, 450],
    ],
  },
  {
    title: "Travel Tumbler",
    vendor: "Mill & Co",
    productType: "Tableware",
    weight: 4,
    variants: [
      ["350 ml", 2900, 310],
      ["500 ml", 3300, 360],
    ],
  },
  {
    title: "Descaling Tablets",
    vendor: "Mill & Co",
    productType: "Care",
    weight: 3,
    variants: [["Pack of 6", 890, 90]],
  },
];

interface Region {
  countryCode: string;
  country: string;
  locale: "en" | "fr";
  timeZone: string;
  province: string | null;
  provinceCode: string | null;
  cities: Array<[string, string]>; // [city, postcode]
  /** Builds a fictional E.164 number from an index in the reserved range, or null when the range is spent. */
  phone: ((index: number) => string | null) | null;
  /** US sales tax rate for the state, in percent; 0 elsewhere (VAT shops include tax in prices). */
  salesTaxPercent: number;
  carrier: "USPS" | "UPS" | "Colissimo" | "Royal Mail" | "DHL Express" | "Canada Post";
}

/** 555-0100 to 555-0199 is the fictional block in every North American area code; several codes per region. */
const usPhone = (areas: string[]) => (index: number) =>
  index < areas.length * 100 ? `+1${areas[Math.floor(index / 100)]}55501${String(index % 100).padStart(2, "0")}` : null;

const REGIONS: Record<string, Region> = {
  NY: {
    countryCode: "US",
    country: "United States",
    locale: "en",
    timeZone: "America/New_York",
    province: "New York",
    provinceCode: "NY",
    cities: [
      ["Brooklyn", "11201"],
      ["New York", "10001"],
      ["Buffalo", "14201"],
    ],
    phone: usPhone(["718", "212", "347", "646", "917"]),
    salesTaxPercent: 8.875,
    carrier: "USPS",
  },
  IL: {
    countryCode: "US",
    country: "United States",
    locale: "en",
    timeZone: "America/Chicago",
    province: "Illinois",
    provinceCode: "IL",
    cities: [
      ["Chicago", "60614"],
      ["Evanston", "60201"],
    ],
    phone: usPhone(["312", "773", "847"]),
    salesTaxPercent: 10.25,
    carrier: "UPS",
  },
  CO: {
    countryCode: "US",
    country: "United States",
    locale: "en",
    timeZone: "America/Denver",
    province: "Colorado",
    provinceCode: "CO",
    cities: [
      ["Denver", "80202"],
      ["Boulder", "80302"],
    ],
    phone: usPhone(["303", "720"]),
    salesTaxPercent: 8.81,
    carrier: "USPS",
  },
  CA: {
    countryCode: "US",
    country: "United States",
    locale: "en",
    timeZone: "America/Los_Angeles",
    province: "California",
    provinceCode: "CA",
    cities: [
      ["San Francisco", "94103"],
      ["Oakland", "94607"],
      ["Los Angeles", "90012"],
    ],
    phone: usPhone(["415", "510", "213", "310", "628"]),
    salesTaxPercent: 8.625,
    carrier: "UPS",
  },
  QC: {
    countryCode: "CA",
    country: "Canada",
    locale: "fr",
    timeZone: "America/Toronto",
    province: "Quebec",
    provinceCode: "QC",
    cities: [
      ["Montréal", "H2X 1Y4"],
      ["Québec", "G1R 4P5"],
    ],
    phone: usPhone(["514", "438", "418"]),
    salesTaxPercent: 0,
    carrier: "Canada Post",
  },
  ON: {
    countryCode: "CA",
    country: "Canada",
    locale: "en",
    timeZone: "America/Toronto",
    province: "Ontario",
    provinceCode: "ON",
    cities: [
      ["Toronto", "M5V 2T6"],
      ["Ottawa", "K2P 2L8"],
    ],
    phone: usPhone(["416", "647", "613"]),
    salesTaxPercent: 0,
    carrier: "Canada Post",
  },
  GB: {
    countryCode: "GB",
    country: "United Kingdom",
    locale: "en",
    timeZone: "Europe/London",
    province: null,
    provinceCode: null,
    cities: [
      ["London", "EC1V 9HX"],
      ["Manchester", "M1 1AE"],
      ["Bristol", "BS1 4DJ"],
    ],
    phone: (i) => (i < 1000 ? `+447700900${String(i).padStart(3, "0")}` : null),
    salesTaxPercent: 0,
    carrier: "Royal Mail",
  },
  FR: {
    countryCode: "FR",
    country: "France",
    locale: "fr",
    timeZone: "Europe/Paris",
    province: null,
    provinceCode: null,
    cities: [
      ["Paris", "75011"],
      ["Lyon", "69002"],
      ["Bordeaux", "33000"],
      ["Lille", "59000"],
      ["Nantes", "44000"],
    ],
    phone: (i) => (i < 10_000 ? `+3363998${String(i).padStart(4, "0")}` : null),
    salesTaxPercent: 0,
    carrier: "Colissimo",
  },
  BE: {
    countryCode: "BE",
    country: "Belgium",
    locale: "fr",
    timeZone: "Europe/Brussels",
    province: null,
    provinceCode: null,
    cities: [
      ["Bruxelles", "1000"],
      ["Liège", "4000"],
    ],
    phone: null,
    salesTaxPercent: 0,
    carrier: "Colissimo",
  },
  DE: {
    countryCode: "DE",
    country: "Germany",
    locale: "en",
    timeZone: "Europe/Berlin",
    province: null,
    provinceCode: null,
    cities: [
      ["Berlin", "10115"],
      ["Hamburg", "20095"],
    ],
    phone: null,
    salesTaxPercent: 0,
    carrier: "DHL Express",
  },
  IE: {
    countryCode: "IE",
    country: "Ireland",
    locale: "en",
    timeZone: "Europe/Dublin",
    province: null,
    provinceCode: null,
    cities: [["Dublin", "D02 X285"]],
    phone: null,
    salesTaxPercent: 0,
    carrier: "DHL Express",
  },
  AU: {
    countryCode: "AU",
    country: "Australia",
    locale: "en",
    timeZone: "Australia/Sydney",
    province: "New South Wales",
    provinceCode: "NSW",
    cities: [["Sydney", "2000"]],
    phone: (i) => (i < 154 ? `+61491570${String(i + 6).padStart(3, "0")}` : null),
    salesTaxPercent: 0,
    carrier: "DHL Express",
  },
};

/** Where customers live, by shop currency: mostly local, always with both languages and several time zones. */
const REGION_WEIGHTS: Record<CurrencyCode, Array<[string, number]>> = {
  EUR: [
    ["FR", 52],
    ["BE", 9],
    ["DE", 7],
    ["IE", 4],
    ["GB", 10],
    ["QC", 6],
    ["NY", 5],
    ["CA", 4],
    ["AU", 3],
  ],
  USD: [
    ["NY", 20],
    ["CA", 18],
    ["IL", 12],
    ["CO", 8],
    ["ON", 8],
    ["QC", 10],
    ["GB", 8],
    ["FR", 12],
    ["AU", 4],
  ],
};

const FIRST_NAMES = {
  en: [
    "Olivia",
    "Liam",
    "Emma",
    "Noah",
    "Ava",
    "Oliver",
    "Sophia",
    "Elijah",
    "Isabella",
    "James",
    "Mia",
    "William",
    "Amelia",
    "Benjamin",
    "Harper",
    "Lucas",
    "Evelyn",
    "Henry",
    "Abigail",
    "Theodore",
    "Emily",
    "Jack",
    "Ella",
    "Levi",
    "Grace",
    "Samuel",
    "Chloe",
    "Owen",
    "Zoe",
    "Daniel",
    "Nora",
    "Priya",
    "Kenji",
    "Aisha",
    "Mateo",
    "Hannah",
    "Ethan",
    "Lily",
    "Ruth",
    "Caleb",
  ],
  fr: [
    "Camille",
    "Léa",
    "Louise",
    "Chloé",
    "Manon",
    "Inès",
    "Jade",
    "Élodie",
    "Margaux",
    "Juliette",
    "Gabriel",
    "Raphaël",
    "Louis",
    "Arthur",
    "Jules",
    "Hugo",
    "Lucas",
    "Adam",
    "Nathan",
    "Théo",
    "Zoé",
    "Anaïs",
    "Mathilde",
    "Clément",
    "Antoine",
    "Maxime",
    "Sophie",
    "Amélie",
    "Baptiste",
    "Noémie",
    "Étienne",
    "Hélène",
    "Yasmine",
    "Karim",
    "Océane",
    "Romain",
    "Céline",
    "Julien",
    "Aurélie",
    "François",
  ],
};

const LAST_NAMES = {
  en: [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Wilson",
    "Anderson",
    "Taylor",
    "Thomas",
    "Moore",
    "Martin",
    "Jackson",
    "Thompson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Walker",
    "Hall",
    "Young",
    "King",
    "Wright",
    "Scott",
    "Green",
    "Baker",
    "Adams",
    "Nelson",
    "Campbell",
    "Mitchell",
    "Roberts",
    "Carter",
    "Phillips",
    "Evans",
    "Turner",
    "Patel",
    "Nguyen",
    "Kim",
  ],
  fr: [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
  ],
};

const STREETS = {
  en: [
    "Maple Avenue",
    "High Street",
    "Station Road",
    "Elm Street",
    "Park Lane",
    "Church Street",
    "Mill Road",
    "Oak Drive",
  ],
  fr: [
    "rue de la République",
    "avenue Jean Jaurès",
    "rue Victor Hugo",
    "boulevard Voltaire",
    "rue des Lilas",
    "place de la Mairie",
    "rue Pasteur",
    "quai des Chartrons",
  ],
};

const EMAIL_DOMAINS = ["example.com", "example.net", "example.org"];

function policies(shop: ShopRecord, createdAt: Date, ids: IdAllocator): ShopPolicyRecord[] {
  const base = shop.primaryDomain.url;
  const contact = shop.contactEmail;
  const make = (type: ShopPolicyRecord["type"], title: string, slug: string, body: string): ShopPolicyRecord => ({
    ...ids.next("ShopPolicy"),
    type,
    title,
    body,
    url: `${base}/policies/${slug}`,
    createdAt,
    updatedAt: createdAt,
  });
  return [
    make(
      "REFUND_POLICY",
      "Refund policy",
      "refund-policy",
      `<p>You can return any unused item within 30 days of delivery for a full refund. Coffee and tea can be returned unopened.</p><p>Write to <a href="mailto:${contact}">${contact}</a> with your order number and we will send you a prepaid label. Refunds reach your card within 5 to 10 business days after we receive the parcel.</p><p>Damaged or wrong item? Tell us within 14 days and we replace it at no cost.</p>`,
    ),
    make(
      "SHIPPING_POLICY",
      "Shipping policy",
      "shipping-policy",
      `<p>Orders placed before 1 pm ship the same business day. Delivery takes 2 to 4 business days at home and 5 to 8 days abroad.</p><p>Shipping is free from 50.00 ${shop.currencyCode}; below that it costs ${shop.currencyCode === "EUR" ? "4.90 EUR" : "5.95 USD"}. Every parcel has tracking; the link is in your shipping confirmation and on your order status page.</p>`,
    ),
    make(
      "PRIVACY_POLICY",
      "Privacy policy",
      "privacy-policy",
      `<p>We collect only what we need to deliver your order and answer your questions: your name, contact details, delivery address and order history.</p><p>We send marketing e-mails or text messages only if you subscribed, and every message lets you unsubscribe. Ask <a href="mailto:${contact}">${contact}</a> for a copy of your data or for its deletion at any time.</p>`,
    ),
    make(
      "TERMS_OF_SERVICE",
      "Terms of service",
      "terms-of-service",
      `<p>These terms apply to every purchase on ${shop.name}. Prices include applicable taxes where the law requires it and are confirmed at checkout.</p><p>A contract is formed when we confirm your order by e-mail. Our liability is limited to the value of your order, without affecting your statutory rights.</p>`,
    ),
  ];
}

function buildShop(
  options: Required<Pick<SeedOptions, "shop" | "now">> & SeedOptions,
  prng: Prng,
  ids: IdAllocator,
): ShopRecord {
  const handle = options.shop.replace(/\.myshopify\.com$/, "");
  const currency: CurrencyCode = options.currency ?? (prng.chance(0.5) ? "EUR" : "USD");
  const domain = `www.${handle}.example`;
  const createdAt = new Date(options.now.getTime() - (HISTORY_DAYS + prng.int(30, 400)) * DAY_MS);
  const name =
    options.name ??
    (options.shop === DEFAULT_SHOP
      ? "Kindly Demo Store"
      : handle
          .split("-")
          .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
          .join(" "));
  const shop: ShopRecord = {
    ...ids.next("Shop"),
    name,
    email: `owner@${handle}.example`,
    contactEmail: `support@${handle}.example`,
    shopOwnerName: currency === "EUR" ? "Claire Fontaine" : "Maya Brooks",
    myshopifyDomain: options.shop,
    primaryDomain: { ...ids.next("Domain"), host: domain, url: `https://${domain}`, sslEnabled: true },
    currencyCode: currency,
    ianaTimezone: currency === "EUR" ? "Europe/Paris" : "America/New_York",
    primaryLocale: "en",
    taxesIncluded: currency === "EUR",
    countryCode: currency === "EUR" ? "FR" : "US",
    policies: [],
    appInstallationId: ids.next("AppInstallation").id,
    createdAt,
  };
  shop.policies = policies(shop, createdAt, ids);
  return shop;
}

function buildProducts(
  shop: ShopRecord,
  prng: Prng,
  ids: IdAllocator,
): { products: ProductRecord[]; weights: number[] } {
  // Twenty of the catalogue's entries, in a seed-dependent order; USD prices run a little higher than EUR ones.
  const chosen = prng.shuffle(CATALOGUE).slice(0, 20);
  const priceFactor = shop.currencyCode === "USD" ? 1.1 : 1;
  const products = chosen.map((entry) => {
    const product = ids.next("Product");
    const handle = slugify(entry.title);
    return {
      ...product,
      title: entry.title,
      handle,
      vendor: entry.vendor,
      productType: entry.productType,
      variants: entry.variants.map(([title, cents, grams], index) => ({
        ...ids.next("ProductVariant"),
        productId: product.id,
        title,
        sku: `${handle
          .split("-")
          .map((part) => part.slice(0, 3))
          .join("")
          .toUpperCase()
          .slice(0, 9)}-${index + 1}`,
        // Round to a .x0 price so amounts look like real price tags.
        priceCents: Math.round((cents * priceFactor) / 10) * 10,
        grams,
      })),
    } satisfies ProductRecord;
  });
  return { products, weights: chosen.map((entry) => entry.weight) };
}

interface CustomerPlan {
  record: CustomerRecord;
  region: Region;
  /** When each order happened, decided by the purchase process. */
  orderTimes: Date[];
}

class ContactPool {
  private readonly emails = new Set<string>();
  private readonly phoneCounters = new Map<Region, number>();
  private readonly phonesUsed = new Set<string>();

  constructor(private readonly prng: Prng) {}

  email(firstName: string, lastName: string): string {
    const domain = this.prng.pick(EMAIL_DOMAINS);
    const local = `${slugify(firstName)}.${slugify(lastName)}`.replace(/-/g, "");
    let candidate = `${local}@${domain}`;
    for (let n = 2; this.emails.has(candidate); n += 1) candidate = `${local}${n}@${domain}`;
    this.emails.add(candidate);
    return candidate;
  }

  phone(region: Region): string | null {
    if (!region.phone) return null;
    for (;;) {
      const index = this.phoneCounters.get(region) ?? 0;
      this.phoneCounters.set(region, index + 1);
      const phone = region.phone(index);
      if (phone === null) return null;
      if (!this.phonesUsed.has(phone)) {
        this.phonesUsed.add(phone);
        return phone;
      }
    }
  }
}

function buildAddress(
  region: Region,
  firstName: string,
  lastName: string,
  phone: string | null,
  prng: Prng,
  ids: IdAllocator,
): AddressRecord {
  const [city, zip] = prng.pick(region.cities);
  const street = prng.pick(STREETS[region.locale]);
  const number = prng.int(1, 180);
  return {
    ...ids.next("MailingAddress"),
    firstName,
    lastName,
    address1: region.locale === "fr" ? `${number} ${street}` : `${number} ${street}`,
    city,
    province: region.province,
    provinceCode: region.provinceCode,
    country: region.country,
    countryCode: region.countryCode,
    zip,
    phone,
    timeZone: region.timeZone,
  };
}

/**
 * The purchase process per customer. Rates are per day. Parameters were tuned so that a shop of ~1,200 customers has
 * ~10 % prospects, a majority of one-time buyers, a long tail of loyal customers (a few with 10+ orders) and
 * 2,000+ orders over 18 months: the mix the CLV model and the segments must cope with.
 */
const PURCHASE_RATE_SHAPE = 0.5; // r: heterogeneity of purchase rates (Gamma shape)
const PURCHASE_RATE_SCALE = 0.09; // 1/alpha, per day: mean rate r/alpha ~ one order every 22 days while alive
const MAX_PURCHASE_RATE = 1 / 7; // nobody orders coffee more than weekly on average
const DROPOUT_A = 1.4; // Beta(a, b) dropout probability after each purchase, mean a/(a+b) = 0.5
const DROPOUT_B = 1.4;
const PROSPECT_SHARE = 0.1;

function planPurchases(createdAt: Date, now: Date, prng: Prng): Date[] {
  if (prng.chance(PROSPECT_SHARE)) return [];
  const rate = Math.min(Math.max(prng.gamma(PURCHASE_RATE_SHAPE, PURCHASE_RATE_SCALE), 1 / 2000), MAX_PURCHASE_RATE);
  const dropout = prng.beta(DROPOUT_A, DROPOUT_B);
  // Most accounts are created at a first checkout, a few minutes before the order is processed.
  const times = [new Date(createdAt.getTime() + prng.int(2, 25) * MINUTE_MS)];
  for (;;) {
    if (prng.chance(dropout)) break;
    // At least a day between two orders: same-day repeat orders are rare enough to leave out.
    const gapDays = 1 + prng.exponential(rate);
    const next = new Date(times[times.length - 1].getTime() + gapDays * DAY_MS);
    if (next.getTime() > now.getTime() - 5 * MINUTE_MS) break;
    times.push(next);
  }
  return times.filter((time) => time.getTime() < now.getTime());
}

function emailState(prng: Prng): EmailMarketingState {
  return prng.weighted<EmailMarketingState>([
    ["SUBSCRIBED", 44],
    ["NOT_SUBSCRIBED", 40],
    ["UNSUBSCRIBED", 13],
    ["PENDING", 2],
    ["INVALID", 1],
  ]);
}

function smsState(prng: Prng): SmsMarketingState {
  return prng.weighted<SmsMarketingState>([
    ["SUBSCRIBED", 36],
    ["NOT_SUBSCRIBED", 48],
    ["UNSUBSCRIBED", 14],
    ["PENDING", 2],
  ]);
}

function buildCustomers(
  shop: ShopRecord,
  count: number,
  now: Date,
  prng: Prng,
  ids: IdAllocator,
  contacts: ContactPool,
): CustomerPlan[] {
  const plans: CustomerPlan[] = [];
  const windowStart = now.getTime() - HISTORY_DAYS * DAY_MS;
  for (let i = 0; i < count; i += 1) {
    const region = REGIONS[prng.weighted(REGION_WEIGHTS[shop.currencyCode])];
    // French-speaking regions are mostly French-speaking customers, and vice versa, but not entirely.
    const locale: "en" | "fr" = prng.chance(0.88) ? region.locale : region.locale === "fr" ? "en" : "fr";
    const firstName = prng.pick(FIRST_NAMES[locale]);
    const lastName = prng.pick(LAST_NAMES[locale]);
    const createdAt = new Date(windowStart + Math.floor(prng.next() * (HISTORY_DAYS - 1) * DAY_MS));
    const phone = prng.chance(0.55) ? contacts.phone(region) : null;
    const email = contacts.email(firstName, lastName);
    const orderTimes = planPurchases(createdAt, now, prng);
    const emailMarketingState = emailState(prng);
    const consentAt = (state: string) =>
      state === "NOT_SUBSCRIBED"
        ? null
        : state === "UNSUBSCRIBED"
          ? new Date(createdAt.getTime() + prng.next() * (now.getTime() - createdAt.getTime()))
          : createdAt;
    const emailMarketingUpdatedAt = consentAt(emailMarketingState);
    const smsMarketingState = phone ? smsState(prng) : null;
    const smsMarketingUpdatedAt = smsMarketingState ? consentAt(smsMarketingState) : null;
    const tags: string[] = [];
    if (orderTimes.length === 0 && emailMarketingState === "SUBSCRIBED") tags.push("newsletter");
    if (prng.chance(0.02)) tags.push("wholesale");
    const address = buildAddress(region, firstName, lastName, phone, prng, ids);
    const lastActivity = Math.max(
      createdAt.getTime(),
      orderTimes.length ? orderTimes[orderTimes.length - 1].getTime() : 0,
      emailMarketingUpdatedAt?.getTime() ?? 0,
      smsMarketingUpdatedAt?.getTime() ?? 0,
    );
    const record: CustomerRecord = {
      id: "", // assigned below, in creation order
      legacyId: "",
      firstName,
      lastName,
      email,
      emailMarketingState,
      emailMarketingOptInLevel:
        emailMarketingState === "SUBSCRIBED" ? (prng.chance(0.3) ? "CONFIRMED_OPT_IN" : "SINGLE_OPT_IN") : null,
      emailMarketingUpdatedAt,
      phone,
      smsMarketingState,
      smsMarketingUpdatedAt,
      locale,
      address,
      tags,
      note: prng.chance(0.03)
        ? prng.pick(["Prefers decaf.", "Gift orders for the office.", "Asked for plastic-free packaging."])
        : null,
      verifiedEmail: emailMarketingState !== "INVALID",
      createdAt,
      updatedAt: new Date(Math.min(lastActivity + prng.int(1, 90) * MINUTE_MS, now.getTime())),
    };
    plans.push({ record, region, orderTimes });
  }
  // Shopify ids grow with time: assign them in creation order.
  plans.sort((a, b) => a.record.createdAt.getTime() - b.record.createdAt.getTime());
  for (const plan of plans) Object.assign(plan.record, ids.next("Customer"));
  return plans;
}

const TRACKING: Record<Region["carrier"], (prng: Prng) => TrackingInfoRecord> = {
  USPS: (prng) => {
    const number = `9400${prng.chars("0123456789", 18)}`;
    return { company: "USPS", number, url: `https://tools.usps.com/go/TrackConfirmAction?tLabels=${number}` };
  },
  UPS: (prng) => {
    const number = `1Z${prng.chars("0123456789ABCDEFGHJKLMNPRSTUVWXYZ", 6)}${prng.chars("0123456789", 10)}`;
    return { company: "UPS", number, url: `https://www.ups.com/track?tracknum=${number}` };
  },
  Colissimo: (prng) => {
    const number = `6A${prng.chars("0123456789", 11)}`;
    return { company: "Colissimo", number, url: `https://www.laposte.fr/outils/suivre-vos-envois?code=${number}` };
  },
  "Royal Mail": (prng) => {
    const number = `${prng.chars("ABCDEFGHJKLMNPQRSTUVWXYZ", 2)}${prng.chars("0123456789", 9)}GB`;
    return {
      company: "Royal Mail",
      number,
      url: `https://www.royalmail.com/track-your-item#/tracking-results/${number}`,
    };
  },
  "DHL Express": (prng) => {
    const number = prng.chars("0123456789", 10);
    return {
      company: "DHL Express",
      number,
      url: `https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id=${number}`,
    };
  },
  "Canada Post": (prng) => {
    const number = prng.chars("0123456789", 16);
    return {
      company: "Canada Post",
      number,
      url: `https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor=${number}`,
    };
  },
};

export interface CartLine {
  productId: string;
  variantId: string;
  quantity: number;
}

/** Draws a basket: mostly one or two products, popular ones more often. */
export function drawCart(products: ProductRecord[], weights: number[], prng: Prng, maxLines = 4): CartLine[] {
  const lineCount = Math.min(
    maxLines,
    prng.weighted([
      [1, 55],
      [2, 30],
      [3, 10],
      [4, 5],
    ] as const),
  );
  const lines: CartLine[] = [];
  const indexed = products.map((product, index) => [index, weights[index]] as const);
  for (let i = 0; i < lineCount; i += 1) {
    const product = products[prng.weighted(indexed)];
    const variant = prng.pick(product.variants);
    const existing = lines.find((line) => line.variantId === variant.id);
    const quantity = prng.weighted([
      [1, 85],
      [2, 12],
      [3, 3],
    ] as const);
    if (existing) existing.quantity += quantity;
    else lines.push({ productId: product.id, variantId: variant.id, quantity });
  }
  return lines;
}

export interface Totals {
  subtotalCents: number;
  shippingCents: number;
  taxCents: number;
  totalCents: number;
}

/** Free shipping from 50.00; VAT included in EUR prices, US sales tax added on top by state. */
export function priceCart(shop: ShopRecord, subtotalCents: number, salesTaxPercent: number): Totals {
  const shippingCents = subtotalCents >= 5000 ? 0 : shop.currencyCode === "EUR" ? 490 : 595;
  if (shop.taxesIncluded) {
    const gross = subtotalCents + shippingCents;
    const taxCents = gross - Math.round(gross / 1.2);
    return { subtotalCents, shippingCents, taxCents, totalCents: gross };
  }
  const taxCents = Math.round(((subtotalCents + shippingCents) * salesTaxPercent) / 100);
  return { subtotalCents, shippingCents, taxCents, totalCents: subtotalCents + shippingCents + taxCents };
}

export function regionOf(address: AddressRecord): Region {
  return (
    Object.values(REGIONS).find(
      (region) =>
        region.countryCode === address.countryCode &&
        (region.provinceCode === null || region.provinceCode === address.provinceCode),
    ) ?? REGIONS.FR
  );
}

/** What happened to an order after it was placed, by its age: recent orders are still pending or unshipped. */
function orderOutcome(
  ageDays: number,
  lineCount: number,
  prng: Prng,
): { financial: OrderFinancialStatus; fulfillment: OrderFulfillmentStatus } {
  let financial: OrderFinancialStatus;
  if (ageDays < 0.1)
    financial = prng.weighted<OrderFinancialStatus>([
      ["PENDING", 10],
      ["AUTHORIZED", 20],
      ["PAID", 70],
    ]);
  else if (ageDays < 3)
    financial = prng.weighted<OrderFinancialStatus>([
      ["AUTHORIZED", 5],
      ["PAID", 93],
      ["VOIDED", 2],
    ]);
  else
    financial = prng.weighted<OrderFinancialStatus>([
      ["PAID", 90],
      ["PARTIALLY_REFUNDED", 3.5],
      ["REFUNDED", 4],
      ["VOIDED", 2.5],
    ]);

  let fulfillment: OrderFulfillmentStatus = "UNFULFILLED";
  if (financial === "PAID" || financial === "PARTIALLY_REFUNDED") {
    const partial = lineCount > 1 && prng.chance(ageDays < 3 ? 0.1 : 0.01);
    if (ageDays >= 3) fulfillment = partial ? "PARTIALLY_FULFILLED" : "FULFILLED";
    else if (ageDays >= 1)
      fulfillment = partial ? "PARTIALLY_FULFILLED" : prng.chance(0.6) ? "FULFILLED" : "UNFULFILLED";
  } else if (financial === "REFUNDED") {
    // Half were returned after delivery, half refunded before shipping.
    fulfillment = prng.chance(0.5) ? "FULFILLED" : "UNFULFILLED";
  }
  return { financial, fulfillment };
}

export interface OrderDraft {
  customer: CustomerRecord | null;
  email: string | null;
  phone: string | null;
  locale: string;
  address: AddressRecord;
  cart: CartLine[];
  processedAt: Date;
  checkoutToken: string | null;
  buyerAcceptsMarketing: boolean;
}

/** Builds an order (with its id and number) from a draft; used by the seed and by `ShopStore.placeOrder`. */
export function buildOrder(
  shop: ShopRecord,
  products: ProductRecord[],
  draft: OrderDraft,
  orderNumber: number,
  now: Date,
  prng: Prng,
  ids: IdAllocator,
  outcome?: { financial: OrderFinancialStatus; fulfillment: OrderFulfillmentStatus },
): OrderRecord {
  const region = regionOf(draft.address);
  const order = ids.next("Order");
  const lineItems: LineItemRecord[] = draft.cart.map((line) => {
    const product = products.find((candidate) => candidate.id === line.productId);
    const variant = product?.variants.find((candidate) => candidate.id === line.variantId);
    if (!product || !variant) throw new Error(`Unknown product variant ${line.variantId}`);
    return {
      ...ids.next("LineItem"),
      productId: product.id,
      variantId: variant.id,
      title: product.title,
      variantTitle: variant.title,
      sku: variant.sku,
      vendor: product.vendor,
      quantity: line.quantity,
      unitPriceCents: variant.priceCents,
      grams: variant.grams,
    };
  });
  const subtotal = lineItems.reduce((sum, line) => sum + line.unitPriceCents * line.quantity, 0);
  const totals = priceCart(shop, subtotal, region.salesTaxPercent);
  const ageDays = (now.getTime() - draft.processedAt.getTime()) / DAY_MS;
  const { financial, fulfillment } = outcome ?? orderOutcome(ageDays, lineItems.length, prng);
  const refundedCents =
    financial === "REFUNDED"
      ? totals.totalCents
      : financial === "PARTIALLY_REFUNDED"
        ? Math.round(totals.totalCents * (0.15 + prng.next() * 0.35))
        : 0;
  const cancelled = financial === "VOIDED";
  const cancelledAt = cancelled
    ? new Date(Math.min(draft.processedAt.getTime() + prng.int(20, 600) * MINUTE_MS, now.getTime()))
    : null;

  const fulfillments: FulfillmentRecord[] = [];
  if (fulfillment !== "UNFULFILLED") {
    const createdAt = new Date(
      Math.min(draft.processedAt.getTime() + (0.3 + prng.next() * 1.7) * DAY_MS, now.getTime() - 10 * MINUTE_MS),
    );
    const inTransitAt = new Date(createdAt.getTime() + prng.int(2, 10) * HOUR_MS);
    const transitDays = region.countryCode === shop.countryCode ? prng.int(1, 3) : prng.int(3, 7);
    const deliveredAt = new Date(inTransitAt.getTime() + transitDays * DAY_MS + prng.int(0, 8) * HOUR_MS);
    const estimatedDeliveryAt = new Date(inTransitAt.getTime() + (transitDays + 1) * DAY_MS);
    const delivered = deliveredAt.getTime() <= now.getTime();
    const shipped = fulfillment === "PARTIALLY_FULFILLED" ? lineItems.slice(0, 1) : lineItems;
    const fulfillmentId = ids.next("Fulfillment");
    fulfillments.push({
      ...fulfillmentId,
      name: `#${orderNumber}.1`,
      status: "SUCCESS",
      displayStatus: delivered
        ? "DELIVERED"
        : inTransitAt.getTime() > now.getTime()
          ? "CONFIRMED"
          : estimatedDeliveryAt.getTime() - now.getTime() < DAY_MS
            ? "OUT_FOR_DELIVERY"
            : "IN_TRANSIT",
      createdAt,
      updatedAt: delivered ? deliveredAt : createdAt,
      inTransitAt: inTransitAt.getTime() <= now.getTime() ? inTransitAt : null,
      deliveredAt: delivered ? deliveredAt : null,
      estimatedDeliveryAt,
      trackingInfo: [TRACKING[region.carrier](prng)],
      lineItems: shipped.map((line) => ({ lineItemId: line.id, quantity: line.quantity })),
    });
  }

  const token = prng.hex(32);
  const lastChange = Math.max(
    draft.processedAt.getTime(),
    cancelledAt?.getTime() ?? 0,
    ...fulfillments.map((f) => f.updatedAt.getTime()),
  );
  return {
    ...order,
    name: `#${orderNumber}`,
    orderNumber,
    token,
    checkoutToken: draft.checkoutToken,
    customerId: draft.customer?.id ?? null,
    email: draft.email,
    phone: draft.phone,
    customerLocale: draft.locale,
    currencyCode: shop.currencyCode,
    createdAt: draft.processedAt,
    processedAt: draft.processedAt,
    updatedAt: new Date(Math.min(lastChange + prng.int(0, 30) * MINUTE_MS, now.getTime())),
    cancelledAt,
    cancelReason: cancelled ? prng.pick(["customer", "declined", "inventory"] as const) : null,
    closedAt:
      cancelledAt ??
      (financial === "REFUNDED" ? new Date(Math.min(draft.processedAt.getTime() + 9 * DAY_MS, now.getTime())) : null),
    lineItems,
    subtotalCents: totals.subtotalCents,
    shippingCents: totals.shippingCents,
    taxCents: totals.taxCents,
    taxesIncluded: shop.taxesIncluded,
    totalCents: totals.totalCents,
    refundedCents,
    financialStatus: financial,
    fulfillmentStatus: fulfillment,
    fulfillments,
    statusPageUrl: `${shop.primaryDomain.url}/${shop.legacyId}/orders/${token}/authenticate?key=${prng.hex(32)}`,
    buyerAcceptsMarketing: draft.buyerAcceptsMarketing,
    shippingAddress: draft.address,
    tags: [],
    test: false,
  };
}

export function buildCheckoutLines(products: ProductRecord[], cart: CartLine[], prng: Prng): CheckoutLineItemRecord[] {
  return cart.map((line) => {
    const product = products.find((candidate) => candidate.id === line.productId);
    const variant = product?.variants.find((candidate) => candidate.id === line.variantId);
    if (!product || !variant) throw new Error(`Unknown product variant ${line.variantId}`);
    return {
      productId: product.id,
      variantId: variant.id,
      title: product.title,
      variantTitle: variant.title,
      sku: variant.sku,
      vendor: product.vendor,
      quantity: line.quantity,
      unitPriceCents: variant.priceCents,
      grams: variant.grams,
      key: prng.hex(32),
    };
  });
}

export interface CheckoutDraft {
  customer: CustomerRecord | null;
  email: string | null;
  phone: string | null;
  locale: string;
  address: AddressRecord | null;
  cart: CartLine[];
  buyerAcceptsMarketing: boolean;
  buyerAcceptsSmsMarketing: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export function buildCheckout(
  shop: ShopRecord,
  products: ProductRecord[],
  draft: CheckoutDraft,
  prng: Prng,
  ids: IdAllocator,
): CheckoutRecord {
  const lineItems = buildCheckoutLines(products, draft.cart, prng);
  const subtotal = lineItems.reduce((sum, line) => sum + line.unitPriceCents * line.quantity, 0);
  const totals = priceCart(shop, subtotal, draft.address ? regionOf(draft.address).salesTaxPercent : 0);
  const token = prng.hex(32);
  return {
    legacyId: ids.next("Checkout").legacyId,
    token,
    cartToken: prng.hex(32),
    customerId: draft.customer?.id ?? null,
    email: draft.email,
    phone: draft.phone,
    smsMarketingPhone: draft.buyerAcceptsSmsMarketing ? draft.phone : null,
    buyerAcceptsMarketing: draft.buyerAcceptsMarketing,
    buyerAcceptsSmsMarketing: draft.buyerAcceptsSmsMarketing,
    customerLocale: draft.locale,
    currencyCode: shop.currencyCode,
    lineItems,
    subtotalCents: totals.subtotalCents,
    taxCents: totals.taxCents,
    taxesIncluded: shop.taxesIncluded,
    // Shipping is chosen later in checkout; an abandoned one usually has none yet.
    totalCents: totals.subtotalCents + (shop.taxesIncluded ? 0 : totals.taxCents),
    shippingAddress: draft.address,
    abandonedCheckoutUrl: `${shop.primaryDomain.url}/${shop.legacyId}/checkouts/${token}/recover?key=${prng.hex(32)}`,
    createdAt: draft.createdAt,
    updatedAt: draft.updatedAt,
    completedAt: null,
  };
}

/**
 * Open checkouts from the last day. The first five are fixed scenarios that exercise the recovery rules (a
 * subscribed returning customer, a French shopper with SMS consent, a new subscriber, a guest without consent,
 * a phone-only shopper); the rest are drawn at random.
 */
function buildCheckouts(
  shop: ShopRecord,
  products: ProductRecord[],
  weights: number[],
  customers: CustomerRecord[],
  now: Date,
  prng: Prng,
  ids: IdAllocator,
  contacts: ContactPool,
): CheckoutRecord[] {
  const count = prng.int(5, 10);
  const subscribed = customers.filter((c) => c.emailMarketingState === "SUBSCRIBED");
  const smsSubscribed = customers.filter((c) => c.smsMarketingState === "SUBSCRIBED" && c.locale === "fr");
  const anyone = customers;
  const checkouts: CheckoutRecord[] = [];
  for (let i = 0; i < count; i += 1) {
    const createdAt = new Date(now.getTime() - prng.int(25, 23 * 60) * MINUTE_MS);
    const updatedAt = new Date(Math.min(createdAt.getTime() + prng.int(0, 15) * MINUTE_MS, now.getTime() - MINUTE_MS));
    const cart = drawCart(products, weights, prng, 3);
    const scenario =
      i < 5
        ? i
        : prng.weighted([
            [0, 3],
            [1, 1],
            [2, 2],
            [3, 2],
            [5, 3],
          ] as const);
    let draft: CheckoutDraft;
    if (scenario === 0 || scenario === 1 || scenario === 5) {
      const pool =
        scenario === 0 ? subscribed : scenario === 1 ? (smsSubscribed.length ? smsSubscribed : subscribed) : anyone;
      const customer = prng.pick(pool);
      const withPhone = scenario === 1 && customer.phone !== null;
      draft = {
        customer,
        email: customer.email,
        phone: withPhone ? customer.phone : null,
        locale: customer.locale,
        address: customer.address,
        cart,
        buyerAcceptsMarketing: customer.emailMarketingState === "SUBSCRIBED",
        buyerAcceptsSmsMarketing: withPhone && customer.smsMarketingState === "SUBSCRIBED",
        createdAt,
        updatedAt,
      };
    } else {
      const locale: "en" | "fr" = prng.chance(0.6) ? "en" : "fr";
      const region = locale === "fr" ? REGIONS.FR : shop.currencyCode === "USD" ? REGIONS.NY : REGIONS.GB;
      const firstName = prng.pick(FIRST_NAMES[locale]);
      const lastName = prng.pick(LAST_NAMES[locale]);
      const phoneOnly = scenario === 4;
      // A phone-only shopper needs a number: fall back to France's large fictional range if the region's is spent.
      const phone = phoneOnly ? (contacts.phone(region) ?? contacts.phone(REGIONS.FR)) : null;
      draft = {
        customer: null,
        email: phoneOnly ? null : contacts.email(firstName, lastName),
        phone,
        locale,
        address: buildAddress(region, firstName, lastName, phone, prng, ids),
        cart,
        buyerAcceptsMarketing: scenario === 2,
        buyerAcceptsSmsMarketing: phoneOnly && phone !== null,
        createdAt,
        updatedAt,
      };
    }
    checkouts.push(buildCheckout(shop, products, draft, prng, ids));
  }
  return checkouts.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

export function seedShop(options: SeedOptions = {}): SeededShop & { productWeights: number[] } {
  const seed = options.seed ?? DEFAULT_SEED;
  const now = options.now ?? DEFAULT_NOW;
  const shopDomain = options.shop ?? DEFAULT_SHOP;
  const prng = new Prng(seed);
  const ids = new IdAllocator(prng);
  const contacts = new ContactPool(prng);

  const shop = buildShop({ ...options, shop: shopDomain, now }, prng, ids);
  const { products, weights } = buildProducts(shop, prng, ids);
  const customerCount = options.customers ?? prng.int(1150, 1250);
  const plans = buildCustomers(shop, customerCount, now, prng, ids, contacts);

  // Orders are numbered and identified in the order they were processed, across all customers, as in Shopify.
  const drafts: OrderDraft[] = plans.flatMap((plan) =>
    plan.orderTimes.map((processedAt) => ({
      customer: plan.record,
      email: plan.record.email,
      phone: plan.record.phone,
      locale: plan.record.locale,
      address: plan.record.address,
      cart: drawCart(products, weights, prng),
      processedAt,
      checkoutToken: prng.hex(32),
      buyerAcceptsMarketing: plan.record.emailMarketingState === "SUBSCRIBED",
    })),
  );
  drafts.sort((a, b) => a.processedAt.getTime() - b.processedAt.getTime());
  let orderNumber = 1001;
  const orders = drafts.map((draft) => buildOrder(shop, products, draft, orderNumber++, now, prng, ids));

  const customers = plans.map((plan) => plan.record);
  const checkouts = buildCheckouts(shop, products, weights, customers, now, prng, ids, contacts);
  return {
    data: { shop, products, customers, orders, checkouts },
    prng,
    ids,
    nextOrderNumber: orderNumber,
    productWeights: weights,
  };
}
