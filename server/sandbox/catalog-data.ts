/**
 * The sandbox's Pax8 catalogue: real product names and SKUs from the guides, with the guides'
 * prices where they give them (E3 at $20 cost / $25 price, Business Essentials at $4.20 / $5).
 * Usage products (billed in arrears) carry $0 rates, as Pax8 serves them.
 */
export interface ProductSeed {
  key: string;
  name: string;
  vendorName: string;
  sku: string;
  shortDescription: string;
  /** Unit cost and price per billing term, in dollars as Pax8 serves them. */
  terms: Partial<Record<'Monthly' | 'Annual' | '2-Year' | '3-Year' | 'One-Time', [cost: number, price: number]>>;
  unit: string;
  usage?: { subProducts: { name: string; unitPrice: number; unitCost: number }[] };
}

export const PRODUCT_SEEDS: ProductSeed[] = [
  {
    key: 'e3',
    name: 'Microsoft Office 365 Enterprise E3 - Includes Exchange Email and Desktop Office Suite',
    vendorName: 'Microsoft',
    sku: 'MST-OFC-EE3-C100',
    shortDescription:
      'Microsoft Office 365 Enterprise E3 includes fully installed Office applications across multiple devices, ' +
      'email hosting, HD video conferencing, and features to support compliance.',
    terms: { Monthly: [20, 25], Annual: [19, 23.75] },
    unit: 'User',
  },
  {
    key: 'bes',
    name: 'Microsoft Office 365 Business Essentials - Includes Exchange Email',
    vendorName: 'Microsoft',
    sku: 'MST-OFB-BES-C100',
    shortDescription: 'Web versions of Office apps with business email, file storage and sharing, and meetings.',
    terms: { Monthly: [4.2, 5], Annual: [4, 4.75] },
    unit: 'User',
  },
  {
    key: 'bp',
    name: 'Microsoft Office 365 Business Premium - Includes Exchange Email and Desktop Office Suite',
    vendorName: 'Microsoft',
    sku: 'MST-OFB-BPR-C100',
    shortDescription: 'Desktop Office apps with business email, advanced security and device management.',
    terms: { Monthly: [17.6, 22], Annual: [16.72, 20.9] },
    unit: 'User',
  },
  {
    key: 'e5',
    name: 'Microsoft 365 E5',
    vendorName: 'Microsoft',
    sku: 'MST-M365-E5-NCE',
    shortDescription: 'Enterprise productivity with advanced security, compliance, voice and analytics.',
    terms: { Annual: [54.75, 68.44], '3-Year': [52, 65] },
    unit: 'User',
  },
  {
    key: 'exo',
    name: 'Exchange Online (Plan 1)',
    vendorName: 'Microsoft',
    sku: 'MST-EXO-P1-NCE',
    shortDescription: 'Business-class email with a 50 GB mailbox.',
    terms: { Monthly: [4.8, 6], Annual: [4, 5], '2-Year': [3.9, 4.9] },
    unit: 'User',
  },
  {
    key: 'dropsuite',
    name: 'Dropsuite Business Backup + Email Archiving',
    vendorName: 'Dropsuite',
    sku: 'DRP-BUS-BKP-ARC',
    shortDescription: 'Microsoft 365 backup with email archiving.',
    terms: { Monthly: [2.6, 4.5] },
    unit: 'Mailbox',
  },
  {
    key: 'acronis',
    name: 'Acronis Cyber Protect Cloud - Workstation',
    vendorName: 'Acronis',
    sku: 'ACR-CPC-WKS',
    shortDescription: 'Backup and anti-malware for workstations.',
    terms: { Monthly: [3.35, 6.99] },
    unit: 'Device',
  },
  {
    key: 'keeper',
    name: 'Keeper Business',
    vendorName: 'Keeper Security',
    sku: 'KPR-BUS-ANN',
    shortDescription: 'Password management for teams.',
    terms: { Annual: [2.92, 3.75] },
    unit: 'User',
  },
  {
    key: 'sophos',
    name: 'Sophos Intercept X Advanced for Server',
    vendorName: 'Sophos',
    sku: 'SPH-IXA-SRV',
    shortDescription: 'Endpoint protection for servers.',
    terms: { Monthly: [4.75, 8.5] },
    unit: 'Server',
  },
  {
    key: 'setup',
    name: 'Microsoft 365 Tenant Setup (one-time)',
    vendorName: 'Pax8',
    sku: 'PAX-M365-SETUP',
    shortDescription: 'One-time onboarding of a Microsoft 365 tenant.',
    terms: { 'One-Time': [150, 250] },
    unit: 'Each',
  },
  {
    key: 'proofpoint',
    name: 'Proofpoint Essentials',
    vendorName: 'Proofpoint',
    sku: 'PPT-ESS-USAGE',
    shortDescription:
      'Proofpoint Essentials protects small and medium-sized enterprises from advanced threats, compliance risks and digital fraud.',
    terms: { Monthly: [0, 0] },
    unit: 'User',
    usage: {
      subProducts: [
        { name: 'Proofpoint Essentials - Beginner', unitCost: 0.95, unitPrice: 1.75 },
        { name: 'Proofpoint Essentials - Business', unitCost: 1.79, unitPrice: 3.25 },
        { name: 'Proofpoint Essentials - Advanced', unitCost: 2.4, unitPrice: 4.25 },
        { name: 'Proofpoint Essentials - Professional', unitCost: 3.1, unitPrice: 5.5 },
        { name: 'Proofpoint Essentials Archive Monthly Data', unitCost: 0.5, unitPrice: 1 },
      ],
    },
  },
  {
    key: 'azure',
    name: 'Microsoft Azure Plan',
    vendorName: 'Microsoft',
    sku: 'MST-AZR-PLAN',
    shortDescription: 'Pay-as-you-go Azure consumption.',
    terms: { Monthly: [0, 0] },
    unit: 'Usage',
    usage: {
      subProducts: [
        { name: 'Virtual Machines', unitCost: 0.096, unitPrice: 0.12 },
        { name: 'Storage', unitCost: 0.0184, unitPrice: 0.023 },
      ],
    },
  },
];

/** Customers the guides name, first in every world so demos and tests can refer to them. */
export const GUIDE_COMPANIES: { pax8: string; cw: string | null; cwOnly?: boolean }[] = [
  { pax8: 'Oxford Senior Living', cw: 'Oxford Senior Living' },
  { pax8: 'Ace Chemical Processing Plant', cw: 'Ace Chemical Processing Plant' },
  { pax8: 'Frontier Wealth Management, LLC', cw: 'Frontier Wealth Mgmt' },
  { pax8: 'Gibson, Pott, and York LLC', cw: 'Gibson Pott & York' },
  { pax8: 'Dynamo Corporation', cw: 'Dynamo Corp.' },
  { pax8: 'Arcadia Tech', cw: 'Arcadia Tech' },
  { pax8: 'Franks Flower Shop', cw: null },
  { pax8: 'Denver Broncos Fan Club', cw: null },
  { pax8: '', cw: 'Arcadia Tech', cwOnly: true },
  { pax8: '', cw: 'Tampa Office Supply', cwOnly: true },
];

export const NAME_PARTS = {
  first: [
    'Summit',
    'Harbor',
    'Blue Ridge',
    'Cedar',
    'Pioneer',
    'Lakeside',
    'Granite',
    'Evergreen',
    'Riverbend',
    'Northstar',
    'Golden Gate',
    'Redwood',
    'Silverline',
    'Prairie',
    'Coastal',
    'Highland',
    'Maple',
    'Ironwood',
    'Sunrise',
    'Keystone',
    'Bayview',
    'Crescent',
    'Meridian',
    'Orchard',
    'Sterling',
    'Willow',
    'Beacon',
    'Canyon',
    'Heritage',
    'Liberty',
  ],
  second: [
    'Dental',
    'Wealth Management',
    'Logistics',
    'Family Medicine',
    'Construction',
    'Legal Group',
    'Veterinary Clinic',
    'Realty',
    'Accounting',
    'Engineering',
    'Insurance Agency',
    'Manufacturing',
    'Architects',
    'Credit Union',
    'Physical Therapy',
    'Auto Group',
    'Church',
    'Foods',
    'Printing',
    'Consulting',
  ],
  suffix: ['', ', LLC', ' Inc.', ' LLC', ', P.C.', ' & Associates', ' Co.', ', Ltd.'],
};

/** How a loosely matching ConnectWise name is written: the variations billing staff type. */
export function looseVariant(name: string, pick: number): string {
  const base = name.replace(/,?\s+(LLC|Inc\.|P\.C\.|Co\.|Ltd\.)$/i, '').replace(/,\s*$/, '');
  const variants = [
    base.replace('Management', 'Mgmt').replace('Associates', 'Assoc'),
    base.replace(' & ', ' and ').replace(' and ', ' & '),
    base.toUpperCase(),
    `${base} (Main Office)`.replace(' (Main Office)', ''),
  ];
  return variants[pick % variants.length]!;
}
